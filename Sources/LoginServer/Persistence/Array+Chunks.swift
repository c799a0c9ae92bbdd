extension Array {
    /// The array cut into consecutive slices of at most `size` elements (the last may be shorter): how a batch is
    /// split into statements that stay under the databases' bind limits.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

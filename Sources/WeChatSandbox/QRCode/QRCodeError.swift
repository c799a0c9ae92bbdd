/// An error thrown while building a QR code.
struct QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Kind: Equatable, Sendable {
        case tooLong
    }

    private let kind: Kind

    /// The text does not fit in a version 40 symbol at the requested error-correction level.
    static var tooLong: QRCodeError { QRCodeError(kind: .tooLong) }

    var description: String {
        switch kind {
        case .tooLong: "QRCodeError: the text is too long for a version 40 QR code at this error-correction level"
        }
    }
}

extension QRMatrix {
    /// The mask-evaluation penalty of ISO/IEC 18004 §7.8.3: N1 = 3, N2 = 3, N3 = 40, N4 = 10.
    func penalty() -> Int {
        var score = 0
        for line in 0..<size {
            let row = (0..<size).map { self[$0, line] }
            let column = (0..<size).map { self[line, $0] }
            score += QRMatrix.runPenalty(row) + QRMatrix.finderLikePenalty(row)
            score += QRMatrix.runPenalty(column) + QRMatrix.finderLikePenalty(column)
        }
        score += blockPenalty() + balancePenalty()
        return score
    }

    /// Rule 1: each run of five or more same-coloured modules scores 3 + (length − 5).
    static func runPenalty(_ line: [Bool]) -> Int {
        var score = 0
        var runLength = 1
        for index in 1...line.count {
            if index < line.count && line[index] == line[index - 1] {
                runLength += 1
                continue
            }
            if runLength >= 5 { score += 3 + runLength - 5 }
            runLength = 1
        }
        return score
    }

    /// Rule 3: each 1:1:3:1:1 finder-like pattern with four light modules on one side scores 40.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        let before: [Bool] = [false, false, false, false, true, false, true, true, true, false, true]
        let after: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
        guard line.count >= 11 else { return 0 }
        var score = 0
        for start in 0...(line.count - 11) {
            if matches(line, before, at: start) { score += 40 }
            if matches(line, after, at: start) { score += 40 }
        }
        return score
    }

    private static func matches(_ line: [Bool], _ pattern: [Bool], at start: Int) -> Bool {
        for offset in pattern.indices where line[start + offset] != pattern[offset] {
            return false
        }
        return true
    }

    /// Rule 2: each 2×2 block of one colour scores 3.
    func blockPenalty() -> Int {
        var score = 0
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = self[x, y]
                if colour == self[x + 1, y] && colour == self[x, y + 1] && colour == self[x + 1, y + 1] {
                    score += 3
                }
            }
        }
        return score
    }

    /// Rule 4: 10 points for every full 5 % the dark proportion deviates from 50 %.
    func balancePenalty() -> Int {
        let dark = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = modules.count
        return abs(dark * 2 - total) * 10 / total * 10
    }
}

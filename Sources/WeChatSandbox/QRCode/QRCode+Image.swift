extension QRCode {
    /// Largest accepted `scale` (pixels or units per module); larger values are clamped.
    static let maximumScale = 32
    /// Largest accepted quiet-zone `border` in modules; larger values are clamped.
    static let maximumBorder = 16

    /// A PNG file (1-bit grayscale) with `scale` pixels per module (1…32) and a quiet zone of `border`
    /// modules (0…16; the standard asks for 4). Out-of-range values are clamped.
    func png(scale: Int = 8, border: Int = 4) -> [UInt8] {
        let scale = min(max(1, scale), QRCode.maximumScale)
        let border = min(max(0, border), QRCode.maximumBorder)
        let side = (size + 2 * border) * scale
        return PNGEncoder.grayscale1Bit(width: side, height: side) { x, y in
            isDark(x: x / scale - border, y: y / scale - border)
        }
    }

    /// A standalone SVG document: a white background and one path of dark modules, `scale` units per module
    /// (1…32) and a quiet zone of `border` modules (0…16). Out-of-range values are clamped.
    func svg(scale: Int = 8, border: Int = 4) -> String {
        let scale = min(max(1, scale), QRCode.maximumScale)
        let border = min(max(0, border), QRCode.maximumBorder)
        let side = size + 2 * border
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + border),\(y + border)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(side * scale)" height="\(side * scale)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">
            <rect width="\(side)" height="\(side)" fill="#FFFFFF"/>
            <path d="\(path)" fill="#000000"/>
            </svg>

            """
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes the 8-bit text of BIFF5 files (and of property sets) in the workbook's Windows code page, with the
/// C library's iconv (as the CSV plugin decodes GB18030): 936 is GBK, read as GB18030, its superset.
///
/// Old files are read, not judged: a byte sequence the code page does not define becomes U+FFFD and reading
/// goes on.
final class CodePageDecoder {
    /// The Windows code page number (`CODEPAGE` record, property set `PID_CODEPAGE`).
    let codePage: Int
    private let converter: iconv_t?

    init(codePage: Int) {
        self.codePage = codePage
        let name = CodePageDecoder.iconvName(codePage)
        if let name, name != "UTF-8", name != "ISO-8859-1" {
            let cd = iconv_open("UTF-8", name)
            converter = cd == iconv_t(bitPattern: -1) ? nil : cd
        } else {
            converter = nil
        }
    }

    deinit {
        if let converter { iconv_close(converter) }
    }

    /// The iconv name of a Windows code page; `nil` for one it does not know (then read as Windows-1252).
    static func iconvName(_ codePage: Int) -> String? {
        switch codePage {
        case 367, 20127: return "ASCII"
        case 437: return "CP437"
        case 850: return "CP850"
        case 874: return "CP874"
        case 932: return "CP932"
        case 936: return "GB18030"
        case 949: return "CP949"
        case 950: return "BIG5"
        case 1250...1258: return "CP\(codePage)"
        case 10000, 32768: return "MACINTOSH"
        case 20936: return "GB2312"
        case 54936: return "GB18030"
        case 65001: return "UTF-8"
        case 28591: return "ISO-8859-1"
        default: return "CP1252"
        }
    }

    /// The text of `bytes`.
    func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if codePage == 65001 { return String(decoding: bytes, as: UTF8.self) }
        guard let converter else {
            if codePage == 28591 { return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })) }
            return String(decoding: bytes, as: UTF8.self)
        }
        var input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        var chunk = [UInt8](repeating: 0, count: max(64, input.count * 4))
        var consumed = 0
        input.withUnsafeMutableBufferPointer { inBuffer in
            _ = iconv(converter, nil, nil, nil, nil)
            while consumed < inBuffer.count {
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress! + consumed)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count - consumed
                let (result, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (Int, Int) in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count
                    let r = iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (r, outBuffer.count - outLeft)
                }
                output.append(contentsOf: chunk[0..<produced])
                consumed = inBuffer.count - inLeft
                if result != -1 { break }
                if errno == E2BIG { continue }
                // An invalid or incomplete sequence: one replacement character for the byte, then go on.
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                consumed += 1
                _ = iconv(converter, nil, nil, nil, nil)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

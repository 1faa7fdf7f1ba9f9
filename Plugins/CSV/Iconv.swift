#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strict conversions between UTF-8 and GB18030 with the C library's iconv.
///
/// Foundation's string encodings on Linux may lack GB18030, so the C library does the work. No
/// transliteration and no substitution: a byte sequence or character that does not convert is an error,
/// never a silent `?`.
enum Iconv {
    /// Where a conversion stopped, and why.
    struct Failure: Error {
        /// The offset in the input of the first byte that did not convert.
        var offset: Int
        /// Whether the input ended in the middle of a character (`EINVAL`) rather than holding an invalid
        /// or unconvertible sequence (`EILSEQ`).
        var incomplete: Bool
    }

    /// Converts `input` from encoding `from` to encoding `to` (iconv names: `UTF-8`, `GB18030`).
    static func convert(_ input: [UInt8], from: String, to: String) throws -> [UInt8] {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else {
            // The C library always has these two; treat a missing converter as a failure at the start.
            throw Failure(offset: 0, incomplete: false)
        }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: max(16, input.count * 2 + 16))
        var produced = 0
        var consumed = 0
        try input.withUnsafeBufferPointer { inBuffer in
            while true {
                var inPtr: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress.map {
                    UnsafeMutableRawPointer(mutating: $0).assumingMemoryBound(to: CChar.self) + consumed
                }
                var inLeft = input.count - consumed
                let result: Int = output.withUnsafeMutableBufferPointer { outBuffer in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self) + produced
                    var outLeft = outBuffer.count - produced
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    produced = outBuffer.count - outLeft
                    return r
                }
                consumed = input.count - inLeft
                if result != -1 { break }
                switch errno {
                case E2BIG:
                    output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                case EINVAL:
                    throw Failure(offset: consumed, incomplete: true)
                default:
                    throw Failure(offset: consumed, incomplete: false)
                }
            }
        }
        // Flush any shift state (none for these encodings, but harmless).
        output.removeSubrange(produced...)
        return output
    }
}

extension Iconv {
    /// One conversion state, for input given in pieces.
    final class Converter {
        /// Why ``convert(_:into:)`` stopped.
        enum Stop { case done, outputFull, incomplete, invalid }

        private let cd: iconv_t

        /// `nil` when the C library has no such conversion.
        init?(from: String, to: String) {
            let cd = iconv_open(to, from)
            guard cd != iconv_t(bitPattern: -1) else { return nil }
            self.cd = cd!
        }

        deinit { iconv_close(cd) }

        /// Converts as much of `input` as fits in `output`: the bytes read and written, and why it stopped
        /// (`incomplete`: `input` ends inside a character, iconv's `EINVAL`; `invalid`: `EILSEQ`).
        func convert(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>)
            -> (read: Int, written: Int, stop: Stop) {
            guard let inBase = input.baseAddress, !input.isEmpty else { return (0, 0, .done) }
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase).assumingMemoryBound(to: CChar.self)
            var inLeft = input.count
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outLeft = output.count
            let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            let read = input.count - inLeft, written = output.count - outLeft
            if result != -1 { return (read, written, .done) }
            switch errno {
            case E2BIG: return (read, written, .outputFull)
            case EINVAL: return (read, written, .incomplete)
            default: return (read, written, .invalid)
            }
        }
    }
}

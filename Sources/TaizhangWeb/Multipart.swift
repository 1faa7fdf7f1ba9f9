import Foundation
import TaizhangWorkflow

/// One part of a `multipart/form-data` body.
struct FormPart: Sendable {
    /// The form field's name.
    var name: String
    /// The file name the browser sent (only a name: anything before a slash or backslash is dropped).
    var fileName: String?
    var bytes: Data
}

/// A `multipart/form-data` body (RFC 7578), read whole from memory: the request was already capped in size.
/// Part headers are bounded; anything malformed is refused with ``WorkflowError/Code/badRequest``.
enum Multipart {
    /// The most parts a body may have.
    static let maxParts = 1000

    /// The boundary of a `multipart/form-data` content type, or `nil` for another type.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.utf8.count > 200 ? nil : value
        }
        return nil
    }

    static func parse(_ body: Data, boundary: String) throws -> [FormPart] {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [FormPart] = []
        guard var position = find(delimiter, in: bytes, from: 0) else { throw bad("缺少分隔符") }
        position += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if position + 2 <= bytes.count, bytes[position] == 0x2D, bytes[position + 1] == 0x2D { return parts }
            guard position + 2 <= bytes.count, bytes[position] == 0x0D, bytes[position + 1] == 0x0A else {
                throw bad("分隔符后的格式不对")
            }
            position += 2
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: bytes, from: position, limit: 8192) else {
                throw bad("文件头过长或不完整")
            }
            let header = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find(Array("\r\n".utf8) + delimiter, in: bytes, from: contentStart) else {
                throw bad("内容不完整")
            }
            var name: String?
            var fileName: String?
            for line in header.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                guard lower.hasPrefix("content-disposition:") else { continue }
                name = parameter("name", in: line)
                fileName = parameter("filename", in: line)
            }
            guard let name else { throw bad("缺少字段名") }
            parts.append(FormPart(name: name, fileName: fileName, bytes: Data(bytes[contentStart..<next])))
            if parts.count > maxParts { throw bad("字段过多") }
            position = next + 2 + delimiter.count
        }
    }

    /// A parameter of a Content-Disposition header (`name="…"`), quotes and `\"` handled; browsers send
    /// UTF-8 file names as they are.
    static func parameter(_ key: String, in header: String) -> String? {
        let scalars = Array(header.unicodeScalars)
        var i = 0
        let target = Array("\(key)=".unicodeScalars)
        while i < scalars.count {
            // A parameter starts after ';' and spaces.
            if (i == 0 || scalars[i - 1] == ";" || scalars[i - 1] == " "), i + target.count <= scalars.count,
               String(String.UnicodeScalarView(scalars[i..<(i + target.count)])).lowercased() == "\(key)=" {
                var j = i + target.count
                var value = String.UnicodeScalarView()
                if j < scalars.count, scalars[j] == "\"" {
                    j += 1
                    while j < scalars.count, scalars[j] != "\"" {
                        if scalars[j] == "\\", j + 1 < scalars.count { j += 1 }
                        value.append(scalars[j])
                        j += 1
                    }
                } else {
                    while j < scalars.count, scalars[j] != ";" { value.append(scalars[j]); j += 1 }
                }
                let text = String(value)
                // Browsers write a quote inside a file name as %22.
                return key == "filename" ? text.replacingOccurrences(of: "%22", with: "\"") : text
            }
            i += 1
        }
        return nil
    }

    /// The last component of a name a browser (or an old one, sending a Windows path) gave.
    static func baseName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return last.isEmpty ? "未命名文件" : last
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, limit: Int? = nil) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let end = min(haystack.count - needle.count, limit.map { start + $0 } ?? Int.max)
        guard start <= end else { return nil }
        let first = needle[0]
        var i = start
        return haystack.withUnsafeBufferPointer { h -> Int? in
            while i <= end {
                if h[i] == first {
                    var k = 1
                    while k < needle.count && h[i + k] == needle[k] { k += 1 }
                    if k == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    private static func bad(_ why: String) -> WorkflowError { WorkflowError(.badRequest, detail: "上传的表单格式有误（\(why)）") }
}

/// `application/x-www-form-urlencoded` bodies (sign-in, sign-out).
enum URLForm {
    static func parse(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            guard let key = kv.first else { continue }
            fields[decode(key)] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return fields
    }
}

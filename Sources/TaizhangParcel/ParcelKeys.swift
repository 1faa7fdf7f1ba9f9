import Crypto
import Foundation

/// A failure handling package keys or packages, with a Chinese message.
public struct ParcelError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in Chinese.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Ed25519 key files of the submission packages.
///
/// A key file is UTF-8 text: one comment line starting with `#` (in Chinese: whose key it is and what it is
/// for), then the raw 32-byte key in base64 on one line. `<id>.key` holds the private key (file mode 0600),
/// `<id>.pub` the public key. The province keeps the units' `.pub` files in one folder; a package is checked
/// with `<unit id>.pub` from that folder, so the file name is what binds a key to a unit.
public enum ParcelKeys {
    /// The id the province's own key is kept under (`province.key`, `province.pub`).
    public static let provinceID = "province"

    /// Makes a new key pair for `id` in `directory` (created if needed) and returns the two paths.
    /// Refuses to overwrite an existing key file.
    public static func generate(id: String, name: String, directory: String) throws -> (privateKey: String, publicKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            let ns = error as NSError
            let why = ns.domain == NSCocoaErrorDomain && ns.code == CocoaError.fileWriteOutOfSpace.rawValue
                ? reason(ENOSPC) : ns.domain == NSPOSIXErrorDomain ? reason(Int32(ns.code)) : "没有写权限或路径不可用"
            throw ParcelError("无法创建密钥目录“\(directory)”：\(why)")
        }
        let privatePath = (directory as NSString).appendingPathComponent("\(id).key")
        let publicPath = (directory as NSString).appendingPathComponent("\(id).pub")
        for path in [privatePath, publicPath] where fm.fileExists(atPath: path) {
            throw ParcelError("密钥文件“\(path)”已存在，为免误覆盖，未生成新密钥（如确需更换，请先移走旧文件）")
        }
        let privateText = "# \(name)（\(id)）报送包签名私钥（Ed25519），须妥善保管，不得外传\n"
            + key.rawRepresentation.base64EncodedString() + "\n"
        let publicText = "# \(name)（\(id)）报送包验签公钥（Ed25519），交省厅用于核验报送包\n"
            + key.publicKey.rawRepresentation.base64EncodedString() + "\n"
        try writeKeyFile(privateText, to: privatePath, mode: 0o600)
        do {
            try writeKeyFile(publicText, to: publicPath, mode: 0o644)
        } catch {
            // Half a pair is no use and would block the next attempt.
            unlink(privatePath)
            throw error
        }
        return (privatePath, publicPath)
    }

    /// Reads a private key file. Refuses one that others may read (as ssh does): anyone who could read it could
    /// sign as the unit.
    public static func privateKey(at path: String) throws -> Curve25519.Signing.PrivateKey {
        if let mode = permissions(path), mode & 0o077 != 0 {
            throw ParcelError("私钥文件“\(path)”其他人也能读取（权限 \(String(mode, radix: 8))），已拒绝使用：拿到它的人可以冒充本单位签名。"
                + "请改为仅本人可读（chmod 600 \(path)），如已泄露请重新生成密钥")
        }
        let raw = try keyBytes(at: path, what: "私钥")
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw ParcelError("私钥文件“\(path)”内容无效（应为 32 字节的 Ed25519 私钥）")
        }
    }

    /// Reads a public key file. Refuses one that others may change, or that sits in a folder others may write
    /// to: whoever could replace it could make their packages pass as the unit's.
    public static func publicKey(at path: String) throws -> Curve25519.Signing.PublicKey {
        let folder = (path as NSString).deletingLastPathComponent
        for (what, place) in [("公钥文件", path), ("公钥目录", folder.isEmpty ? "." : folder)] {
            if let mode = permissions(place), mode & 0o022 != 0 {
                throw ParcelError("\(what)“\(place)”其他人也能改写（权限 \(String(mode, radix: 8))），已拒绝信任其中的公钥："
                    + "改写者可以让伪造的报送包通过核验。请改为仅本人可写（chmod go-w \(place)）")
            }
        }
        let raw = try keyBytes(at: path, what: "公钥")
        do {
            return try Curve25519.Signing.PublicKey(rawRepresentation: raw)
        } catch {
            throw ParcelError("公钥文件“\(path)”内容无效（应为 32 字节的 Ed25519 公钥）")
        }
    }

    /// The signature text of `manifest.sig`: the base64 of the 64-byte Ed25519 signature and a newline.
    public static func sign(_ bytes: [UInt8], with key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        let signature = try key.signature(for: Data(bytes))
        return Array((signature.base64EncodedString() + "\n").utf8)
    }

    /// Whether `signatureText` (the contents of `manifest.sig`) is a valid signature of `bytes` by `key`.
    public static func isValid(signatureText: [UInt8], of bytes: [UInt8], key: Curve25519.Signing.PublicKey) -> Bool {
        let text = String(decoding: signatureText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let signature = Data(base64Encoded: text), signature.count == 64 else { return false }
        return key.isValidSignature(signature, for: Data(bytes))
    }

    /// The permission bits of `path` (0644 …), or `nil` when it cannot be examined.
    private static func permissions(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    private static func keyBytes(at path: String, what: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParcelError("无法读取\(what)文件“\(path)”")
        }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let raw = Data(base64Encoded: lines[0]) else {
            throw ParcelError("\(what)文件“\(path)”格式不对（应为一行注释和一行 base64 编码的密钥）")
        }
        return raw
    }

    private static func writeKeyFile(_ text: String, to path: String, mode: mode_t) throws {
        // Written whole to a private temporary file (O_EXCL, the mode set at creation, so a private key is never
        // readable by others, not even for a moment), flushed, then linked into place: link() never replaces an
        // existing file, and a full disk or a crash leaves no empty or partial key behind.
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw ParcelError("无法创建密钥文件“\(path)”：\(reason(errno))") }
        defer { unlink(temporary) }
        _ = fchmod(fd, mode)  // not narrowed by the umask either
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let error = errno
                close(fd)
                throw ParcelError("写入密钥文件“\(path)”失败：\(reason(error))")
            }
            written += n
        }
        let synced = fsync(fd) == 0 ? 0 : errno
        close(fd)
        if synced != 0 { throw ParcelError("写入密钥文件“\(path)”失败：\(reason(synced))") }
        guard link(temporary, path) == 0 else {
            let error = errno
            if error == EEXIST { throw ParcelError("密钥文件“\(path)”已存在，为免误覆盖，未生成新密钥（如确需更换，请先移走旧文件）") }
            throw ParcelError("无法创建密钥文件“\(path)”：\(reason(error))")
        }
    }

    private static func reason(_ number: Int32) -> String {
        switch number {
        case ENOSPC, EDQUOT: return "磁盘已满，请腾出空间后重试"
        case EACCES, EPERM: return "没有写权限"
        case EROFS: return "磁盘是只读的"
        case ENOENT, ENOTDIR: return "目录不存在"
        default: return "系统错误 \(number)"
        }
    }
}

import Crypto
import Foundation

/// SHA-256 as the manifest writes it: lower-case hex.
public enum ParcelDigest {
    /// The lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

import Crypto
import Foundation
import TaizhangCore
import TaizhangZip

/// A file to put into a package.
public struct ParcelFile: Sendable {
    /// The entry name (relative, forward slashes).
    public var name: String
    /// The bytes.
    public var bytes: [UInt8]
    /// The role written into the manifest (see ``ParcelManifest/FileEntry/role``).
    public var role: String
    /// The form of a ledger or CSV copy.
    public var form: String?
    /// The unit of a unit package.
    public var unit: String?

    public init(name: String, bytes: [UInt8], role: String, form: String? = nil, unit: String? = nil) {
        self.name = name
        self.bytes = bytes
        self.role = role
        self.form = form
        self.unit = unit
    }
}

/// Writes a submission package: `manifest.json`, `manifest.sig` (when a key is given), then the files sorted by
/// name (byte order), so the same contents always give entries in the same order.
public enum ParcelWriter {
    /// The manifest with its `files` filled in from `files` (in entry order, with sizes and SHA-256), as
    /// ``write(manifest:files:key:to:)`` writes it.
    public static func listing(_ manifest: ParcelManifest, files: [ParcelFile]) throws -> ParcelManifest {
        var manifest = manifest
        let sorted = try ordered(files)
        manifest.files = sorted.map {
            ParcelManifest.FileEntry(name: $0.name, size: $0.bytes.count, sha256: ParcelDigest.sha256(Data($0.bytes)),
                                      role: $0.role, form: $0.form, unit: $0.unit)
        }
        return manifest
    }

    /// The files in entry order (byte order of their names), refusing unusable names.
    private static func ordered(_ files: [ParcelFile]) throws -> [ParcelFile] {
        let sorted = files.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        var seen = Set<String>()
        for file in sorted {
            guard !ZipReader.climbsOut(file.name), !file.name.isEmpty,
                  file.name != ParcelManifest.manifestName, file.name != ParcelManifest.signatureName,
                  seen.insert(ZipReader.fold(file.name)).inserted else {
                throw ParcelError("报送包中的文件名“\(file.name)”不可用（重名、保留名或指向包外）")
            }
        }
        return sorted
    }

    /// Writes the package to `path` and returns its manifest. The manifest's `files` are filled in here from
    /// `files` (size, SHA-256); whatever `files` the given manifest had is replaced.
    @discardableResult
    public static func write(manifest: ParcelManifest, files: [ParcelFile], key: Curve25519.Signing.PrivateKey?,
                             to path: String) throws -> ParcelManifest {
        try write(listed: try listing(manifest, files: files), files: files, key: key, to: path)
    }

    /// Writes the package to `path` from a manifest ``listing(_:files:)`` made of the same `files` (so nothing is
    /// hashed twice), with its entries in the manifest's order, and returns the manifest.
    @discardableResult
    public static func write(listed manifest: ParcelManifest, files: [ParcelFile], key: Curve25519.Signing.PrivateKey?,
                             to path: String) throws -> ParcelManifest {
        let byName = Dictionary(files.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        guard manifest.files.count == files.count, manifest.files.allSatisfy({ byName[$0.name]?.bytes.count == $0.size })
        else {
            throw ParcelError("报送包清单与要装入的文件不一致")
        }
        let manifestBytes = try manifest.encoded()
        do {
            let zip = try ZipWriter(path: path, compressionLevel: 6)
            try zip.addData(name: ParcelManifest.manifestName, bytes: manifestBytes)
            if let key {
                try zip.addData(name: ParcelManifest.signatureName, bytes: try ParcelKeys.sign(manifestBytes, with: key))
            }
            for entry in manifest.files {
                try zip.addData(name: entry.name, bytes: byName[entry.name]!.bytes)
            }
            try zip.close()
        } catch let error as ZipError {
            throw ParcelError(error.detail)
        }
        return manifest
    }
}

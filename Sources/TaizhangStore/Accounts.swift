import Crypto
import Foundation
import GRDB
import _CryptoExtras

/// What a user of the web workbench may do.
public enum AccountRole: String, Sendable, Codable, CaseIterable {
    /// The province's staff: every unit's files, the board, reports.
    case province
    /// One unit's clerk: that unit's own files only.
    case unit
}

/// A user of the web workbench, as kept in the workspace (table `users`, migration v5).
public struct Account: Sendable, Equatable, Codable {
    public var id: Int64
    /// The login name.
    public var name: String
    public var role: AccountRole
    /// The unit's id, for a unit's clerk.
    public var unit: String?

    public init(id: Int64, name: String, role: AccountRole, unit: String?) {
        self.id = id
        self.name = name
        self.role = role
        self.unit = unit
    }
}

/// A signed-in session: its account and the token its pages' form posts must carry.
public struct AccountSession: Sendable, Equatable {
    public var account: Account
    /// The anti-forgery token of the session's pages.
    public var csrf: String
}

/// Why an account could not be added.
public struct AccountError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// A user of that name exists.
        case nameTaken = "account.name-taken"
    }
    public var code: Code
    public var name: String
    public init(_ code: Code, name: String) {
        self.code = code
        self.name = name
    }
}

/// Slow salted password hashes: PBKDF2-HMAC-SHA256, kept as `pbkdf2-sha256$ROUNDS$SALT$HASH` (base64), so the
/// number of rounds can grow without invalidating older hashes.
public enum PasswordHash {
    /// The rounds new hashes use (OWASP's figure for PBKDF2-HMAC-SHA256).
    public static let rounds = 600_000

    /// A new hash of `password` with a fresh 16-byte salt.
    public static func make(_ password: String, rounds: Int = PasswordHash.rounds) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let hash = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(hash.base64EncodedString())"
    }

    /// Whether `password` matches `stored` (compared in constant time).
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let actual = try? derive(password, salt: salt, rounds: rounds) else { return false }
        guard actual.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(actual, expected) { difference |= a ^ b }
        return difference == 0
    }

    private static func derive(_ password: String, salt: Data, rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256,
                                                    outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}

extension Workspace {
    /// A new random token (32 bytes, URL-safe base64 without padding).
    public static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether the workspace has any user (then every page and API call needs a login).
    public func hasAccounts() throws -> Bool {
        try queue.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users)") ?? false }
    }

    /// Adds a user with an already hashed password and one API token; returns the account and the token (kept
    /// only as its SHA-256, so this is the one time it is seen).
    public func addAccount(name: String, role: AccountRole, unit: String?, passwordHash: String,
                           at date: Date = Date()) throws -> (account: Account, token: String) {
        let token = Workspace.newToken()
        let now = Workspace.timestamp(date).iso
        let account = try writeImmediately { db -> Account in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?)", arguments: [name]) == true {
                throw AccountError(.nameTaken, name: name)
            }
            try db.execute(sql: """
                INSERT INTO users (name, role, unit, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [name, role.rawValue, role == .unit ? unit : nil, passwordHash, now])
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                           arguments: [Workspace.sha256(Data(token.utf8)), id, now])
            return Account(id: id, name: name, role: role, unit: role == .unit ? unit : nil)
        }
        return (account, token)
    }

    /// Removes the user named `name` with its API tokens and sessions (at once: a signed-in browser is signed
    /// out); whether there was such a user.
    public func removeAccount(name: String) throws -> Bool {
        // Its tokens and sessions go with it: the tables reference users ON DELETE CASCADE.
        try writeImmediately { db in
            try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    /// Replaces the API tokens of the user named `name` with a new one (the old ones stop working at once);
    /// the new token, or `nil` when there is no such user.
    public func renewToken(name: String, at date: Date = Date()) throws -> String? {
        let token = Workspace.newToken()
        let renewed = try writeImmediately { db -> Bool in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE name = ?", arguments: [name]) else {
                return false
            }
            try db.execute(sql: "DELETE FROM api_tokens WHERE user_id = ?", arguments: [id])
            try db.execute(sql: "INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                           arguments: [Workspace.sha256(Data(token.utf8)), id, Workspace.timestamp(date).iso])
            return true
        }
        return renewed ? token : nil
    }

    /// Every user, by name.
    public func accounts() throws -> [Account] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(Workspace.account(from:)) }
    }

    /// The account whose name and password these are; `nil` otherwise (the hash is computed even for an
    /// unknown name, so the answer takes as long either way).
    public func authenticate(name: String, password: String) throws -> Account? {
        let row = try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]) }
        guard let row else {
            _ = PasswordHash.verify(password, against: Workspace.decoyHash)
            return nil
        }
        return PasswordHash.verify(password, against: row["password_hash"]) ? Workspace.account(from: row) : nil
    }

    /// A fixed hash checked against when the name is unknown.
    private static let decoyHash = "pbkdf2-sha256$\(PasswordHash.rounds)$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

    /// The account an API token belongs to.
    public func account(apiToken token: String) throws -> Account? {
        try queue.read { db in
            try Row.fetchOne(db, sql: """
                SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?
                """, arguments: [Workspace.sha256(Data(token.utf8))]).map(Workspace.account(from:))
        }
    }

    /// Starts a session for `account` lasting `lifetime`; returns its token (for the cookie) and its CSRF token.
    /// Expired sessions are removed on the way.
    public func startSession(for account: Account, lifetime: TimeInterval, at date: Date = Date()) throws
        -> (token: String, csrf: String) {
        let token = Workspace.newToken(), csrf = Workspace.newToken()
        try writeImmediately { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ?", arguments: [Workspace.timestamp(date).iso])
            try db.execute(sql: """
                INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [Workspace.sha256(Data(token.utf8)), account.id, csrf, Workspace.timestamp(date).iso,
                                 Workspace.timestamp(date.addingTimeInterval(lifetime)).iso])
        }
        return (token, csrf)
    }

    /// The live session with this token.
    public func session(token: String, at date: Date = Date()) throws -> AccountSession? {
        try queue.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT u.*, s.csrf AS session_csrf FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = ? AND s.expires_at >= ?
                """, arguments: [Workspace.sha256(Data(token.utf8)), Workspace.timestamp(date).iso]) else { return nil }
            return AccountSession(account: Workspace.account(from: row), csrf: row["session_csrf"])
        }
    }

    /// Ends a session (signing out).
    public func endSession(token: String) throws {
        try writeImmediately { db in
            try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [Workspace.sha256(Data(token.utf8))])
        }
    }

    static func account(from row: Row) -> Account {
        Account(id: row["id"], name: row["name"], role: AccountRole(rawValue: row["role"]) ?? .unit, unit: row["unit"])
    }
}

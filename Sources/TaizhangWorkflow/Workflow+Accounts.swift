import Foundation
import TaizhangCore
import TaizhangStore

/// A user of the web workbench (the store's type, named here so front ends need not import the store).
public typealias WorkbenchAccount = Account
/// What a workbench user may do.
public typealias WorkbenchRole = AccountRole
/// A signed-in session.
public typealias WorkbenchSession = AccountSession

extension Workflow {
    /// The shortest password accepted.
    public static let minimumPasswordLength = 8

    /// How long a signed-in session lasts.
    public static let sessionLifetime: TimeInterval = 12 * 3600

    /// Adds a user of the web workbench to the workspace: a province user, or a unit's clerk (`unit` named as a
    /// person types it). The password is kept as a slow salted hash. Returns the account and its API token
    /// (shown once: only its hash is kept).
    public func addUser(name: String, role: WorkbenchRole, unit: String?, password: String,
                        workspace: Workspace) throws -> (account: WorkbenchAccount, token: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 64,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) else {
            throw WorkflowError(.userNameInvalid, subject: TextSafety.printable(name))
        }
        guard password.count >= Workflow.minimumPasswordLength else { throw WorkflowError(.passwordTooShort) }
        var unitID: String?
        switch role {
        case .province:
            if unit != nil { throw WorkflowError(.userUnitNotAllowed) }
        case .unit:
            guard let unit else { throw WorkflowError(.userNeedsUnit) }
            unitID = try formSet.resolveUnit(unit).id
        }
        do {
            return try workspace.addAccount(name: trimmed, role: role, unit: unitID,
                                            passwordHash: try PasswordHash.make(password), at: clock.now)
        } catch let error as AccountError {
            throw WorkflowError(.userExists, subject: error.name)
        }
    }

    /// Removes a user of the web workbench with its API tokens and sessions (signed out at once).
    public func removeUser(name: String, workspace: Workspace) throws {
        guard try workspace.removeAccount(name: name) else { throw WorkflowError(.userUnknown, subject: TextSafety.printable(name)) }
    }

    /// Gives a user a new API token; the old one stops working at once (a token that leaked is revoked so).
    public func renewToken(name: String, workspace: Workspace) throws -> String {
        guard let token = try workspace.renewToken(name: name, at: clock.now) else {
            throw WorkflowError(.userUnknown, subject: TextSafety.printable(name))
        }
        return token
    }

    /// Whether the workspace has users (then the workbench asks everyone to sign in).
    public func hasUsers(workspace: Workspace) throws -> Bool { try workspace.hasAccounts() }

    /// The workspace's users, by name.
    public func users(workspace: Workspace) throws -> [WorkbenchAccount] { try workspace.accounts() }

    /// Signs a user in with name and password: a new session (its cookie token and CSRF token). Throws
    /// ``WorkflowError/Code/signInFailed`` for a wrong name or password (the same either way).
    public func signIn(name: String, password: String, workspace: Workspace) throws
        -> (account: WorkbenchAccount, token: String, csrf: String) {
        guard let account = try workspace.authenticate(name: name, password: password) else {
            throw WorkflowError(.signInFailed)
        }
        let (token, csrf) = try workspace.startSession(for: account, lifetime: Workflow.sessionLifetime, at: clock.now)
        return (account, token, csrf)
    }

    /// The live session a cookie's token names.
    public func session(token: String, workspace: Workspace) throws -> WorkbenchSession? {
        try workspace.session(token: token, at: clock.now)
    }

    /// The user an API token (`Authorization: Bearer …`) belongs to.
    public func user(apiToken: String, workspace: Workspace) throws -> WorkbenchAccount? {
        try workspace.account(apiToken: apiToken)
    }

    /// Ends a session.
    public func signOut(token: String, workspace: Workspace) throws {
        try workspace.endSession(token: token)
    }
}

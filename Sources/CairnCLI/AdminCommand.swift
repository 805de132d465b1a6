import ArgumentParser
import CairnClient
import CairnModel
import Foundation

/// `cairn admin`: users, keys, buckets, uploads and quotas of a running server, through its
/// admin API (`--endpoint`, the admin listener) with an admin user's key.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operate a running server: users, access keys, bucket usage, uploads in progress, quotas.",
        subcommands: [AdminUserCommand.self, AdminKeyCommand.self, AdminBucketCommand.self, AdminUploadsCommand.self,
                      AdminQuotaCommand.self])
}

struct AdminUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Add, list and remove users.",
                                                    subcommands: [Add.self, List.self, Remove.self])

    static func table(_ users: [AdminAPI.User]) -> AdminTable {
        AdminTable(header: ["NAME", "ID", "ADMIN", "CREATED"], rows: users.map { [$0.name, $0.id, $0.admin ? "yes" : "no", $0.created] })
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user (then give it a key with `cairn admin key create`).")
        @Argument(help: "The user's name (unique).") var name: String
        @Flag(help: "The user may use the admin API.") var admin = false
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("AddUser") { client in
                let user = try await client.addUser(name: name, admin: admin)
                options.print(user) { AdminUserCommand.table([user]) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("ListUsers") { client in
                let users = try await client.users()
                options.print(AdminAPI.Users(users: users)) { AdminUserCommand.table(users) }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user and its keys (refused while it owns buckets).")
        @Argument(help: "The user's name or id.") var user: String
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("RemoveUser") { client in try await client.removeUser(user) }
        }
    }
}

struct AdminKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Create, list, disable, enable and delete access keys.",
                                                    subcommands: [Create.self, List.self, Disable.self, Enable.self, Delete.self])

    static func table(_ keys: [AdminAPI.Key]) -> AdminTable {
        let secrets = keys.contains { $0.secretKey != nil }
        return AdminTable(header: ["ACCESS KEY", "USER", "STATUS", "CREATED"] + (secrets ? ["SECRET KEY"] : []),
                          rows: keys.map { [$0.accessKey, $0.userName, $0.enabled ? "enabled" : "disabled", $0.created]
                              + (secrets ? [$0.secretKey ?? ""] : []) })
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key for a user; its secret is shown this once.")
        @Argument(help: "The user's name or id.") var user: String
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("CreateAccessKey") { client in
                let key = try await client.createKey(user: user)
                options.print(key) { AdminKeyCommand.table([key]) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List access keys (never their secrets).")
        @Option(help: "Only this user's keys (name or id).") var user: String?
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("ListAccessKeys") { client in
                let keys = try await client.keys(user: user)
                options.print(AdminAPI.Keys(keys: keys)) { AdminKeyCommand.table(keys) }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a key: requests signed with it get InvalidAccessKeyId.")
        @Argument var accessKey: String
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("DisableAccessKey") { client in try await client.setKey(accessKey, enabled: false) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled key again.")
        @Argument var accessKey: String
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("EnableAccessKey") { client in try await client.setKey(accessKey, enabled: true) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key.")
        @Argument var accessKey: String
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("DeleteAccessKey") { client in try await client.deleteKey(accessKey) }
        }
    }
}

import ArgumentParser

/// `cairn`: the S3 server and, later, the S3 client commands.
public struct CairnCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "An S3-compatible object store and S3 client.",
        subcommands: [ServerCommand.self, S3APICommand.self, S3Command.self, CpCommand.self, PresignCommand.self,
                      KMSCommand.self, MetadataCommand.self, BenchCommand.self, BenchLoadCommand.self, AdminCommand.self])

    public init() {}
}

extension CairnCommand {
    /// Parses the arguments and runs the chosen command, async or not, exiting with its code.
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

import ArgumentParser
import CairnStorageFS
import Foundation

/// `cairn kms create-key NAME`: a named key in the data folder's local keyring, for SSE-KMS.
struct KMSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kms",
        abstract: "Manage the local KMS keyring used by SSE-KMS.",
        subcommands: [CreateKey.self])

    struct CreateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-key",
            abstract: "Create a named KMS key (DATA/keys/kms/NAME.key, mode 0600) and print its ARN.")

        @Argument(help: "Key name: letters, digits, '-' and '_'.")
        var name: String

        @Option(help: "Data folder of the server.")
        var data: String = "./cairn-data"

        @Option(help: "Region in the ARN.")
        var region: String = "us-east-1"

        func run() throws {
            let root = URL(fileURLWithPath: data).standardizedFileURL.path
            print(try FileKeyring.createKMSKey(dataFolder: root, name: name, region: region))
        }
    }
}

import Foundation

/// `--generate-cli-skeleton yaml-input`, in the aws CLI v2's layout: one `Name: value # doc`
/// line per member (`[REQUIRED]` first when required, "Valid values are: ..." for enums);
/// containers put their comment after the key and their members indented below.
public enum Skeleton {
    public static func yaml(shapeName: String) -> String {
        var out = ""
        writeStructure(shapeName, indent: "", firstPrefix: nil, into: &out, stack: [])
        return out
    }

    static func scalarYAML(_ shape: S3Model.Shape) -> String {
        switch shape.type {
        case "string": return shape.enum?.first ?? "''"
        case "integer", "long": return "0"
        case "float", "double": return "0.0"
        case "boolean": return "true"
        case "timestamp": return "1970-01-01 00:00:00"
        default: return "null"
        }
    }

    static func comment(_ m: S3Model.Member, _ shape: S3Model.Shape) -> String {
        var c = m.isRequired ? "[REQUIRED] " : ""
        c += m.doc ?? ""
        if let e = shape.enum { c += " Valid values are: " + e.joined(separator: ", ") + "." }
        return c.trimmingCharacters(in: .whitespaces)
    }

    static func writeStructure(_ shapeName: String, indent: String, firstPrefix: String?, into out: inout String, stack: [String]) {
        let shape = S3Model.shared.shape(shapeName)
        var first = true
        for m in shape.members ?? [] {
            let ms = S3Model.shared.shape(m.shape)
            let lead = first && firstPrefix != nil ? firstPrefix! : indent
            first = false
            let c = comment(m, ms)
            switch ms.type {
            case "structure":
                out += "\(lead)\(m.name):  # \(c)\n"
                if stack.filter({ $0 == m.shape }).count < 1 {
                    writeStructure(m.shape, indent: indent + "  ", firstPrefix: nil, into: &out, stack: stack + [shapeName])
                }
            case "list":
                out += "\(lead)\(m.name):  # \(c)\n"
                let member = S3Model.shared.shape(ms.member!)
                if member.type == "structure" {
                    writeStructure(ms.member!, indent: indent + "  ", firstPrefix: indent + "- ", into: &out, stack: stack + [shapeName])
                } else {
                    out += "\(indent)- \(scalarYAML(member))\n"
                }
            case "map":
                out += "\(lead)\(m.name):  # \(c)\n"
                out += "\(indent)  KeyName: \(scalarYAML(S3Model.shared.shape(ms.value!)))\n"
            default:
                out += "\(lead)\(m.name): \(scalarYAML(ms)) # \(c)\n"
            }
        }
    }
}

/// `--cli-auto-prompt`: asks, on the terminal, for each required parameter that is missing.
/// (The aws CLI v2 opens a full-screen editor; a line prompt per parameter serves the same need
/// and works over any terminal.)
enum Prompter {
    static func promptMissing(_ members: [S3Model.Member], operation: S3Model.Operation, params: inout JSONObject,
                              bodyPath: inout String?, outfile: inout String?) throws {
        guard isatty(STDIN_FILENO) != 0 else {
            throw UsageError("--cli-auto-prompt needs a terminal on standard input")
        }
        let tty = FileHandle(forWritingAtPath: "/dev/tty") ?? FileHandle.standardError
        func ask(_ label: String) throws -> String {
            while true {
                tty.write(Data(label.utf8))
                guard let line = readLine(strippingNewline: true) else { throw UsageError("no input for \(label)") }
                let v = line.trimmingCharacters(in: .whitespaces)
                if !v.isEmpty { return v }
            }
        }
        for m in members where m.isRequired && params[m.name] == nil {
            let shape = S3Model.shared.shape(m.shape)
            let raw = try ask("--\(m.cli) (\(shape.type)) [required]: ")
            params[m.name] = try CommandLineParser.convert(try CommandLineParser.readParamFile(raw), shapeName: m.shape, argName: "--" + m.cli)
        }
        if CommandLineParser.hasOutfile(operation) && outfile == nil { outfile = try ask("outfile (string) [required]: ") }
        _ = bodyPath
    }
}

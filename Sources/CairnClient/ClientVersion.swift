/// The user agent Cairn's client sends, in the aws CLI's "name/version" form.
public enum ClientVersion {
    public static let userAgent = "cairn-client/0.1"
}

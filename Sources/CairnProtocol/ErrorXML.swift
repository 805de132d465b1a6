import CairnModel

extension S3Error {
    /// S3's error document: Code, Message, the code's extra fields, Resource and RequestId.
    public func xml(resource: String, requestID: String, hostID: String) -> String {
        var w = XMLWriter()
        w.group("Error") { w in
            w.element("Code", code.rawValue)
            w.element("Message", message)
            for (name, value) in fields { w.element(name, value) }
            if !resource.isEmpty { w.element("Resource", resource) }
            w.element("RequestId", requestID)
            w.element("HostId", hostID)
        }
        return w.text
    }
}

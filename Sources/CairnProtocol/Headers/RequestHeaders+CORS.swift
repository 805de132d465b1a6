import CairnModel

extension RequestHeaders {
    /// `Origin`: a browser's cross-origin request (its response gets the bucket's CORS headers).
    public var origin: String? { self["origin"] }

    /// A preflight's question (`Origin`, `Access-Control-Request-Method`, `-Headers`), with S3's
    /// 400 BadRequest when it is incomplete.
    public func corsPreflight() throws(S3Error) -> CORSPreflight {
        try CORSPreflight(origin: self["origin"], method: self["access-control-request-method"],
                          requestHeaders: self["access-control-request-headers"])
    }
}

import CairnModel
@testable import CairnProtocol
import Foundation
import Testing

/// CORS: PutBucketCors's validation, and the answers to preflights and actual requests.
@Suite("CORS")
struct CORSTests {
    func config(_ rules: String) throws(S3Error) -> CORSConfiguration {
        try CORSConfiguration(xml: Data("<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(rules)</CORSConfiguration>".utf8))
    }

    func error(_ rules: String) -> (S3ErrorCode, String)? {
        do { _ = try config(rules) } catch { return (error.code, error.message) }
        return nil
    }

    @Test("PutBucketCors refuses what S3 refuses, with S3's codes and messages")
    func validation() {
        #expect(error("")?.0 == .malformedXML)
        #expect(error("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>")?.0 == .malformedXML)
        #expect(error("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>")!
                == (.invalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"))
        #expect(error("<CORSRule><AllowedOrigin>http://*.*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>")!
                == (.invalidRequest, "AllowedOrigin \"http://*.*.com\" can not have more than one wildcard."))
        #expect(error("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>x-*</ExposeHeader></CORSRule>")?.0
                == .invalidRequest)
        let many = String(repeating: "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>", count: 101)
        #expect(error(many)?.0 == .invalidRequest)
    }

    @Test("the first rule matching origin, method and every requested header answers a preflight")
    func preflight() throws {
        let c = try config("""
            <CORSRule><ID>uploads</ID><AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>\
            <AllowedMethod>POST</AllowedMethod><AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>Content-Type</AllowedHeader>\
            <ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>\
            <CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>
            """)
        let put = try CORSPreflight(origin: "https://app.example.com", method: "PUT", requestHeaders: "content-type, X-Amz-Date")
        let h = Dictionary(try c.preflight(put, resourceType: "OBJECT"), uniquingKeysWith: { a, _ in a })
        #expect(h["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(h["Access-Control-Allow-Credentials"] == "true")
        #expect(h["Access-Control-Allow-Methods"] == "PUT, POST")
        #expect(h["Access-Control-Allow-Headers"] == "content-type, x-amz-date")
        #expect(h["Access-Control-Expose-Headers"] == "ETag")
        #expect(h["Access-Control-Max-Age"] == "600")
        #expect(h["Vary"] == CORSConfiguration.vary)
        let get = try CORSPreflight(origin: "http://anyone.test", method: "GET", requestHeaders: nil)
        #expect(Dictionary(try c.preflight(get, resourceType: "OBJECT"), uniquingKeysWith: { a, _ in a })["Access-Control-Allow-Origin"] == "*")
        for refused in [try CORSPreflight(origin: "https://example.com", method: "PUT", requestHeaders: nil),
                        try CORSPreflight(origin: "https://app.example.com", method: "DELETE", requestHeaders: nil),
                        try CORSPreflight(origin: "https://app.example.com", method: "PUT", requestHeaders: "authorization")] {
            do { _ = try c.preflight(refused, resourceType: "OBJECT"); Issue.record("allowed \(refused)") } catch {
                #expect(error.code == .accessForbidden && error.message.hasPrefix("CORSResponse: This CORS request is not allowed."))
            }
        }
        #expect(throws: S3Error.self) { _ = try CORSPreflight(origin: nil, method: "GET", requestHeaders: nil) }
        #expect(throws: S3Error.self) { _ = try CORSPreflight(origin: "http://a", method: "OPTIONS", requestHeaders: nil) }
    }

    @Test("the stored JSON and GetBucketCors's XML carry every element")
    func roundTrip() throws {
        let c = try config("<CORSRule><ID>r1</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>5</MaxAgeSeconds></CORSRule>")
        #expect(try CORSConfiguration(json: c.json()) == c)
        #expect(c.xml().text.contains("<CORSRule><ID>r1</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>5</MaxAgeSeconds></CORSRule>"))
    }
}

"""A real browser against a live server: headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by Selenium) on a page served from another origin runs a multipart upload
through presigned part URLs (reading each part's ETag, which the bucket's CORS rules expose) and
completes it through a presigned URL, then submits a generate_presigned_post form with fetch and
FormData. The CORS preflights, the actual responses' CORS headers and POST Object are all the
browser's own doing here."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import threading

import pytest

from cairntest import free_port, unique_name

KiB = 1024

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>cairn browser test</title></head><body>
<script>
// Part n's bytes: a pattern the test recomputes.
function partBytes(n, size) {
  const b = new Uint8Array(size);
  for (let j = 0; j < size; j++) b[j] = (n * 31 + j * 7) & 255;
  return b;
}
async function multipartUpload(partUrls, sizes, completeUrl) {
  const etags = [];
  for (let i = 0; i < partUrls.length; i++) {
    const r = await fetch(partUrls[i], {method: "PUT", body: partBytes(i + 1, sizes[i])});
    if (!r.ok) throw new Error("part " + (i + 1) + ": " + r.status + " " + await r.text());
    etags.push(r.headers.get("ETag"));
  }
  let xml = "<CompleteMultipartUpload>";
  etags.forEach((e, i) => { xml += "<Part><PartNumber>" + (i + 1) + "</PartNumber><ETag>" + e + "</ETag></Part>"; });
  xml += "</CompleteMultipartUpload>";
  const done = await fetch(completeUrl, {method: "POST", body: xml});
  return {etags: etags, status: done.status, body: await done.text()};
}
async function formUpload(url, fields, text) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("file", new Blob([text], {type: "text/plain"}), "hello.txt");
  const r = await fetch(url, {method: "POST", body: fd});
  return {status: r.status, etag: r.headers.get("ETag"), body: await r.text()};
}
</script></body></html>
"""


def browser_binaries():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    return chromium, driver


@pytest.fixture
def browser():
    chromium, driver_path = browser_binaries()
    if not (chromium and driver_path):
        message = "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") or os.environ.get("CAIRN_REQUIRE_BROWSER"):
            pytest.fail(message)  # CI installs them (.ci/run): missing there is a failure
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def page_origin(tmp_path):
    """The test page, served by a Python http.server on its own port: another origin than the store."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text(PAGE)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()
    httpd.server_close()


def run(driver, function, *args):
    """Calls an async function of the page and returns its result (or raises its error)."""
    script = (f"const done = arguments[arguments.length - 1];"
              f"{function}(...Array.from(arguments).slice(0, -1)).then(done, e => done({{error: String(e)}}));")
    result = driver.execute_async_script(script, *args)
    assert not (isinstance(result, dict) and "error" in result), result
    return result


def part_bytes(n: int, size: int) -> bytes:
    return bytes((n * 31 + j * 7) & 255 for j in range(size))


def test_browser_multipart_upload_and_form_post(start_server, browser, page_origin):
    server = start_server(min_part_size=64 * KiB)
    s3 = server.client()
    bucket = unique_name("browser")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": [page_origin], "AllowedMethods": ["PUT", "POST", "GET"], "AllowedHeaders": ["*"],
         "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]})
    browser.get(page_origin + "/index.html")

    # Multipart through presigned URLs: the browser PUTs each part (after a CORS preflight), reads
    # its ETag from the response, and completes the upload.
    key = "from-browser/video.bin"
    sizes = [96 * KiB, 100 * KiB, 7 * KiB]
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    part_urls = [s3.generate_presigned_url("upload_part", Params={"Bucket": bucket, "Key": key, "UploadId": upload_id,
                                                                  "PartNumber": n}, ExpiresIn=600)
                 for n in range(1, len(sizes) + 1)]
    complete_url = s3.generate_presigned_url("complete_multipart_upload", Params={"Bucket": bucket, "Key": key, "UploadId": upload_id},
                                             ExpiresIn=600, HttpMethod="POST")
    result = run(browser, "multipartUpload", part_urls, sizes, complete_url)
    parts = [part_bytes(n, size) for n, size in enumerate(sizes, start=1)]
    assert result["etags"] == ['"' + hashlib.md5(p).hexdigest() + '"' for p in parts]
    assert result["status"] == 200, result["body"]
    assert "<CompleteMultipartUploadResult" in result["body"]
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"".join(parts)

    # A presigned POST form submitted by the browser (fetch + FormData) from the other origin.
    post = s3.generate_presigned_post(bucket, "forms/${filename}", Conditions=[["starts-with", "$key", "forms/"],
                                                                              ["content-length-range", 1, 1024]])
    result = run(browser, "formUpload", post["url"], post["fields"], "hello from a browser form")
    assert result["status"] == 204, result["body"]
    assert result["etag"] == '"' + hashlib.md5(b"hello from a browser form").hexdigest() + '"'
    assert s3.get_object(Bucket=bucket, Key="forms/hello.txt")["Body"].read() == b"hello from a browser form"

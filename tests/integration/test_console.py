"""The web console on the admin listener, in a real headless Chromium (Selenium) against a live
`cairn server`: sign in, create a bucket, upload 20 MiB through the browser's multipart (throttled
so that it can be paused mid-flight and its parts seen on the uploads page), abort another upload
made with boto3, resume, compare the bytes (boto3 GET and the browser's own download), and check
that the secret is in no browser storage. Also: the assets' content types and
bytes against Console/Assets/, and the S3 listener's CORS answers for the console's origin.

CAIRN_CONSOLE_SCREENSHOTS=docs/console saves a screenshot of each page there (the README shows them)."""

from __future__ import annotations

import hashlib
import os
import pathlib
import time

import pytest
import requests
from botocore.exceptions import ClientError

from cairntest import ADMIN, MiB, free_port, unique_name
from test_browser import browser_binaries

ROOT = pathlib.Path(__file__).resolve().parents[2]
ASSETS = ROOT / "Sources" / "CairnServer" / "Console" / "Assets"
SCREENSHOTS = os.environ.get("CAIRN_CONSOLE_SCREENSHOTS")


@pytest.fixture
def console(start_server):
    """A server with an admin listener; returns (server, console URL)."""
    port = free_port()
    srv = start_server(extra_args=["--admin-address", f"127.0.0.1:{port}"])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            if requests.get(url + "/health", timeout=5).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "no /health on the admin listener"
        time.sleep(0.05)
    return srv, url


@pytest.fixture
def chrome(tmp_path):
    chromium, driver_path = browser_binaries()
    if not (chromium and driver_path):
        message = "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") or os.environ.get("CAIRN_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait_for(condition, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # an element not there yet, or replaced while read
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def screenshot(driver, name: str) -> None:
    if SCREENSHOTS:
        folder = ROOT / SCREENSHOTS if not os.path.isabs(SCREENSHOTS) else pathlib.Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(folder / f"{name}.png"))


def css(driver, selector):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.CSS_SELECTOR, selector)


def xpath(driver, expression):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.XPATH, expression)


def sign_in(driver, url: str) -> None:
    driver.get(url + "/")
    screenshot(driver, "sign-in")
    css(driver, "#access-key").send_keys(ADMIN.access_key)
    css(driver, "#secret-key").send_keys(ADMIN.secret_key)
    css(driver, "#sign-in-button").click()
    wait_for(lambda: css(driver, "#nav").is_displayed(), "the signed-in console")
    assert not css(driver, "#sign-in").is_displayed()
    wait_for(lambda: css(driver, '.page[data-page="buckets"] #new-bucket'), "the buckets page")


def go(driver, hash: str) -> None:
    """Another page of the console, in the same document (a reload would sign out)."""
    driver.execute_script("location.hash = arguments[0];", hash)


def transfer_state(driver) -> tuple[str, int]:
    state = css(driver, ".transfer-state")
    return state.get_attribute("data-state"), int(state.get_attribute("data-parts"))


def test_console_upload_pause_uploads_page_abort_download(console, chrome, tmp_path):
    srv, url = console
    s3 = srv.client()
    driver = chrome
    sign_in(driver, url)

    # Create a bucket through the page (a signed S3 CreateBucket from the browser).
    bucket = unique_name("console")
    css(driver, "#new-bucket").send_keys(bucket)
    xpath(driver, "//button[text()='Create bucket']").click()
    wait_for(lambda: xpath(driver, f"//a[text()='{bucket}']"), "the new bucket in the list")
    s3.head_bucket(Bucket=bucket)
    screenshot(driver, "buckets")

    # Upload 20 MiB through the browser's multipart (4 parts of 5 MiB, 2 in flight), with the
    # browser's upload throttled so that it is still running when paused.
    data = os.urandom(20 * MiB)
    source = tmp_path / "twenty.bin"
    source.write_bytes(data)
    xpath(driver, f"//a[text()='{bucket}']").click()
    wait_for(lambda: css(driver, "#upload-file"), "the object browser")
    css(driver, "#upload-file").send_keys(str(source))
    parallel = css(driver, "#upload-parallel")
    parallel.clear()
    parallel.send_keys("2")
    driver.set_network_conditions(offline=False, latency=5, download_throughput=64 * MiB, upload_throughput=2 * MiB)
    css(driver, "#upload-button").click()
    wait_for(lambda: transfer_state(driver)[0] == "uploading" and transfer_state(driver)[1] >= 1, "a first part uploaded", 60)
    screenshot(driver, "upload-progress")
    xpath(driver, "//button[text()='Pause']").click()
    wait_for(lambda: transfer_state(driver)[0] == "paused", "the paused upload")
    paused_parts = transfer_state(driver)[1]
    assert 1 <= paused_parts < 4
    mine = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["Key"] for u in mine] == ["twenty.bin"]
    listed = s3.list_parts(Bucket=bucket, Key="twenty.bin", UploadId=mine[0]["UploadId"])["Parts"]
    assert len(listed) == paused_parts

    # Another upload, made with boto3, to abort from the uploads page.
    other = s3.create_multipart_upload(Bucket=bucket, Key="other/by-boto3.bin", ChecksumAlgorithm="CRC32")
    s3.upload_part(Bucket=bucket, Key="other/by-boto3.bin", UploadId=other["UploadId"], PartNumber=1,
                   Body=b"x" * 1000, ChecksumAlgorithm="CRC32")

    # The uploads page: both uploads, each with its parts (number, size, ETag, checksum).
    go(driver, "#/uploads")
    article = wait_for(lambda: css(driver, f'article[data-upload-id="{mine[0]["UploadId"]}"]'), "the paused upload's card")
    rows = article.find_elements("css selector", "tbody tr")
    assert len(rows) == paused_parts
    for row, part in zip(rows, listed):
        cells = [c.text for c in row.find_elements("css selector", "td")]
        assert cells[0] == str(part["PartNumber"])
        assert cells[1] == "5.00 MiB"
        assert cells[2] == part["ETag"]
        assert cells[3] == "SHA256:" + part["ChecksumSHA256"]
    boto_card = css(driver, f'article[data-upload-id="{other["UploadId"]}"]')
    assert "CRC32:" in boto_card.text and "1000 B" in boto_card.text
    screenshot(driver, "uploads")
    boto_card.find_element("xpath", ".//button[text()='Abort']").click()
    driver.switch_to.alert.accept()
    wait_for(lambda: not driver.find_elements("css selector", f'article[data-upload-id="{other["UploadId"]}"]'),
             "the aborted upload gone from the page")
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])] == [mine[0]["UploadId"]]

    # Resume (only the missing parts are sent) and let it complete at full speed.
    driver.set_network_conditions(offline=False, latency=0, download_throughput=1024 * MiB, upload_throughput=1024 * MiB)
    xpath(driver, "//button[text()='Resume']").click()
    wait_for(lambda: transfer_state(driver)[0] == "done", "the completed upload", 120)
    got = s3.get_object(Bucket=bucket, Key="twenty.bin", ChecksumMode="ENABLED")
    assert hashlib.sha256(got["Body"].read()).digest() == hashlib.sha256(data).digest()
    assert got["ContentLength"] == 20 * MiB
    assert "-4" in got["ETag"]

    # The object page: its parts and checksum; the browser's download has the same bytes.
    go(driver, f"#/browse/{bucket}/")
    wait_for(lambda: xpath(driver, "//a[text()='twenty.bin']"), "the object in the listing").click()
    parts_table = wait_for(lambda: xpath(driver, "//table[caption='Parts of twenty.bin']"), "the parts table")
    assert len(parts_table.find_elements("css selector", "tbody tr")) == 4
    assert "x-amz-checksum-sha256" in xpath(driver, "//table[caption='Checksums']").text
    screenshot(driver, "object")
    xpath(driver, "//p[@class='controls']/button[text()='Download']").click()
    downloaded = driver.downloads / "twenty.bin"
    wait_for(lambda: downloaded.exists() and downloaded.stat().st_size == 20 * MiB, "the browser's download", 60)
    assert hashlib.sha256(downloaded.read_bytes()).digest() == hashlib.sha256(data).digest()
    go(driver, f"#/browse/{bucket}/")
    wait_for(lambda: xpath(driver, "//a[text()='twenty.bin']"), "the listing")
    screenshot(driver, "objects")

    # The other pages render (and are what the README shows).
    go(driver, "#/users")
    wait_for(lambda: xpath(driver, f"//table[caption='Access keys']//td[.='{ADMIN.access_key}']"), "the users page")
    screenshot(driver, "users")
    go(driver, "#/metrics")
    wait_for(lambda: xpath(driver, "//table[caption='Requests by S3 operation (busiest first)']"), "the metrics page")
    assert "UploadPart" in driver.page_source
    screenshot(driver, "metrics")

    # The secret is in no browser storage (nor in the page).
    stored = driver.execute_script(
        "const all = []; for (const s of [localStorage, sessionStorage]) for (let i = 0; i < s.length; i++)"
        " { const k = s.key(i); all.push(k, s.getItem(k)); } return [all.join('\\n'), document.cookie,"
        " document.documentElement.outerHTML, document.getElementById('secret-key').value];")
    for place in stored:
        assert ADMIN.secret_key not in place
    databases = driver.execute_async_script(
        "const done = arguments[0]; indexedDB.databases().then(d => done(d.length), () => done(-1));")
    assert databases == 0


def test_console_folders_metadata_versions_delete_and_keys(console, chrome):
    srv, url = console
    s3 = srv.client()
    driver = chrome
    bucket = unique_name("console")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="docs/été b+c.txt", Body=b"one", Metadata={"owner": "carol"})["VersionId"]
    s3.put_object(Bucket=bucket, Key="docs/été b+c.txt", Body=b"two!", Metadata={"owner": "dave"}, ChecksumAlgorithm="CRC32C")
    s3.put_object(Bucket=bucket, Key="top.txt", Body=b"top")
    sign_in(driver, url)

    # Prefix navigation, then one object: its user metadata, checksum and both versions.
    go(driver, f"#/browse/{bucket}/")
    wait_for(lambda: xpath(driver, "//a[text()='docs/']"), "the folder").click()
    wait_for(lambda: xpath(driver, "//a[text()='été b+c.txt']"), "the object in its folder").click()
    metadata = wait_for(lambda: xpath(driver, "//table[caption='Metadata']"), "the object page").text
    assert "x-amz-meta-owner dave" in metadata
    assert "x-amz-checksum-crc32c" in xpath(driver, "//table[caption='Checksums']").text
    versions = xpath(driver, "//table[caption='Versions of docs/été b+c.txt']")
    assert len(versions.find_elements("css selector", "tbody tr")) == 2
    # The browser saves the download under the key's last segment (Content-Disposition's filename*).
    versions.find_element("xpath", f".//button[@aria-label='Download version {first}']").click()
    saved = driver.downloads / "été b+c.txt"
    wait_for(lambda: saved.exists() and saved.read_bytes() == b"one", "the first version downloaded")
    versions.find_element("xpath", f".//button[@aria-label='Delete version {first}']").click()
    driver.switch_to.alert.accept()
    wait_for(lambda: len(xpath(driver, "//table[caption='Versions of docs/été b+c.txt']")
                         .find_elements("css selector", "tbody tr")) == 1, "one version left")
    assert [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket, Prefix="docs/")["Versions"]] != [first]
    assert len(s3.list_object_versions(Bucket=bucket, Prefix="docs/")["Versions"]) == 1

    # Delete from the listing: in a versioned bucket that is a delete marker.
    xpath(driver, f"//nav[@aria-label='Breadcrumbs']/a[text()='{bucket}']").click()
    wait_for(lambda: xpath(driver, "//button[@aria-label='Delete top.txt']"), "the listing").click()
    driver.switch_to.alert.accept()
    wait_for(lambda: not driver.find_elements("xpath", "//a[text()='top.txt']"), "top.txt gone from the listing")
    markers = s3.list_object_versions(Bucket=bucket, Prefix="top.txt")["DeleteMarkers"]
    assert len(markers) == 1 and markers[0]["IsLatest"]

    # Users and keys: a new user, a key for it (secret shown once) that signs S3 requests, then disabled.
    go(driver, "#/users")
    wait_for(lambda: css(driver, "#new-user"), "the users page").send_keys("carol")
    xpath(driver, "//button[text()='Add user']").click()
    wait_for(lambda: xpath(driver, "//table[caption='Users']//td[.='carol']"), "carol in the users")
    Select = __import__("selenium.webdriver.support.select", fromlist=["Select"]).Select
    Select(css(driver, "#key-user")).select_by_visible_text("carol")
    xpath(driver, "//button[text()='Create key']").click()
    shown = wait_for(lambda: css(driver, "#new-secret dl"), "the new key").find_elements("css selector", "dd")
    access_key, secret_key = shown[0].text, shown[1].text
    carol = srv.client(access_key=access_key, secret_key=secret_key)
    assert carol.list_buckets()["Buckets"] == []
    xpath(driver, "//button[text()='Done']").click()
    wait_for(lambda: xpath(driver, f"//button[@aria-label='Disable key {access_key}']"), "the new key's row").click()
    wait_for(lambda: xpath(driver, f"//button[@aria-label='Enable key {access_key}']"), "the key disabled")
    with pytest.raises(ClientError) as e:
        carol.list_buckets()
    assert e.value.response["Error"]["Code"] == "InvalidAccessKeyId"


def test_console_on_two_nodes_sees_and_aborts_an_upload_paused_on_the_other(request, chrome, tmp_path):
    """Two nodes on one PostgreSQL database and one data folder: an upload paused in node 1's
    console is listed with its parts by node 2's console (another tab), and aborted there."""
    from postgres_cluster import shared_cluster
    from test_cluster import ClusterNode
    url = shared_cluster().create_database()
    nodes = []
    for i in (1, 2):
        node = ClusterNode(tmp_path / f"n{i}", tmp_path / "data", url, f"n{i}")
        admin_port = free_port()
        node.extra_args += ["--admin-address", f"127.0.0.1:{admin_port}"]
        node.console = f"http://127.0.0.1:{admin_port}"
        nodes.append(node)
    request.node._cairn_servers = nodes  # conftest adds their log tails to a failure's report
    try:
        for node in nodes:
            node.start()
        driver = chrome
        bucket = unique_name("console")
        nodes[0].client().create_bucket(Bucket=bucket)
        source = tmp_path / "twelve.bin"
        source.write_bytes(os.urandom(12 * MiB))
        sign_in(driver, nodes[0].console)
        go(driver, f"#/browse/{bucket}/")
        wait_for(lambda: css(driver, "#upload-file"), "the object browser").send_keys(str(source))
        parallel = css(driver, "#upload-parallel")
        parallel.clear()
        parallel.send_keys("1")
        driver.set_network_conditions(offline=False, latency=5, download_throughput=64 * MiB, upload_throughput=2 * MiB)
        css(driver, "#upload-button").click()
        wait_for(lambda: transfer_state(driver)[1] >= 1, "a first part uploaded through node 1", 60)
        xpath(driver, "//button[text()='Pause']").click()
        wait_for(lambda: transfer_state(driver)[0] == "paused", "the paused upload")
        parts = transfer_state(driver)[1]
        driver.set_network_conditions(offline=False, latency=0, download_throughput=1024 * MiB, upload_throughput=1024 * MiB)

        driver.switch_to.new_window("tab")
        sign_in(driver, nodes[1].console)
        go(driver, "#/uploads")
        card = wait_for(lambda: xpath(driver, f"//article[@aria-label='{bucket}/twelve.bin']"), "the upload on node 2")
        assert len(card.find_elements("css selector", "tbody tr")) == parts
        card.find_element("xpath", ".//button[text()='Abort']").click()
        driver.switch_to.alert.accept()
        wait_for(lambda: not driver.find_elements("xpath", f"//article[@aria-label='{bucket}/twelve.bin']"), "the upload aborted")
        assert nodes[0].client().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    finally:
        for node in nodes:
            node.stop()


def test_console_sign_in_refuses_a_wrong_secret(console, chrome):
    _, url = console
    driver = chrome
    driver.get(url + "/")
    css(driver, "#access-key").send_keys(ADMIN.access_key)
    css(driver, "#secret-key").send_keys("not-the-secret")
    css(driver, "#sign-in-button").click()
    message = wait_for(lambda: css(driver, "#status.error").text, "the error")
    assert "SignatureDoesNotMatch" in message
    assert not css(driver, "#nav").is_displayed()


def test_console_assets_content_types(console):
    """Every file of the console's folder is served (none forgotten in Package.swift or
    ConsoleAssets.files), with its content type and the same bytes."""
    _, url = console
    types = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
    files = sorted(ASSETS.iterdir())
    assert {f.suffix for f in files} == set(types)
    for f in files:
        r = requests.get(f"{url}/console/{f.name}", timeout=10)
        assert r.status_code == 200, f.name
        assert r.headers["Content-Type"] == types[f.suffix], f.name
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.content == f.read_bytes(), f"{f.name} is not the file in {ASSETS}"
    for path in ("/", "/console"):
        page = requests.get(url + path, timeout=10)
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.content == (ASSETS / "index.html").read_bytes()
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self';")
    config = requests.get(url + "/console/config.json", timeout=10)
    assert config.headers["Content-Type"] == "application/json"
    assert config.json()["region"] == "us-east-1"
    assert requests.get(url + "/console/nothing.js", timeout=10).status_code == 404


def test_s3_listener_answers_cors_for_the_console_origin_only(console):
    srv, url = console
    console_origin = url.replace("127.0.0.1", "localhost")
    # A preflight for CreateBucket of a bucket that does not exist yet: answered from the console's rule.
    r = requests.options(srv.endpoint.replace("127.0.0.1", "localhost") + "/not-yet-a-bucket", timeout=10, headers={
        "Origin": console_origin, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, x-amz-date, x-amz-content-sha256"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == console_origin
    assert "PUT" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"] == "authorization, x-amz-date, x-amz-content-sha256"
    # The same question from another origin (or the console's port on another host) is S3's usual answer.
    for origin in ("http://localhost:1", url):
        r = requests.options(srv.endpoint.replace("127.0.0.1", "localhost") + "/not-yet-a-bucket", timeout=10, headers={
            "Origin": origin, "Access-Control-Request-Method": "PUT"})
        assert r.status_code != 200 and "Access-Control-Allow-Origin" not in r.headers
    # An actual request from the console's origin is still authenticated: anonymous is AccessDenied,
    # with the CORS headers so that the page can read the error; ETag and checksums exposed.
    r = requests.get(srv.endpoint + "/", headers={"Origin": url}, timeout=10)
    assert r.status_code == 403 and "<Code>AccessDenied</Code>" in r.text
    assert r.headers["Access-Control-Allow-Origin"] == url
    assert "ETag" in r.headers["Access-Control-Expose-Headers"]
    assert "x-amz-checksum-sha256" in r.headers["Access-Control-Expose-Headers"]


def relay(target, counted: list[int]):
    """A TCP relay on a free port to the port `target()` names (a reverse proxy's stand-in, bytes
    unchanged); `counted` gets the size of each chunk carried. Returns its port and its stop."""
    import socket
    import threading

    from clienttest import relay_bytes
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def serve():
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", target()))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=relay_bytes, args=(a, b, counted.append), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1], listener.close


def test_console_behind_a_reverse_proxy_uses_the_named_origin_and_s3_url(start_server, chrome):
    """The console and S3 each reached through another port (a proxy's): the page's origin and its
    S3 URL are the proxy's, named with --console-origin and --console-s3-url."""
    admin_port, ports = free_port(), {}
    console_bytes, s3_bytes = [], []
    console_port, stop_console = relay(lambda: admin_port, console_bytes)
    proxied_s3_port, stop_s3 = relay(lambda: ports["s3"], s3_bytes)
    try:
        origin, s3_url = f"http://127.0.0.1:{console_port}", f"http://127.0.0.1:{proxied_s3_port}"
        srv = start_server(extra_args=["--admin-address", f"127.0.0.1:{admin_port}",
                                       "--console-origin", origin, "--console-s3-url", s3_url])
        ports["s3"] = srv.port
        bucket = unique_name("proxied")
        srv.client().create_bucket(Bucket=bucket)
        config = requests.get(origin + "/console/config.json", timeout=10).json()
        assert config["s3URL"] == s3_url
        assert s3_url in requests.get(origin + "/", timeout=10).headers["Content-Security-Policy"]
        # The S3 listener answers CORS for the named origin; not for another.
        for asker, allowed in ((origin, True), ("http://127.0.0.1:1", False)):
            r = requests.options(s3_url + "/" + bucket, timeout=10,
                                 headers={"Origin": asker, "Access-Control-Request-Method": "GET"})
            assert (r.headers.get("Access-Control-Allow-Origin") == asker) == allowed
        sign_in(chrome, origin)
        wait_for(lambda: xpath(chrome, f"//a[text()='{bucket}']"), "the bucket listed through the proxied S3 URL")
        assert sum(console_bytes) > 0 and sum(s3_bytes) > 0
    finally:
        stop_console()
        stop_s3()


def test_console_proxy_options_are_checked(tmp_path):
    import subprocess

    from cairntest import CAIRN_BIN
    for args, message in ((["--admin-address", f"127.0.0.1:{free_port()}", "--console-origin", "https://console.example.com/app"],
                           "take an origin"),
                          (["--console-s3-url", "https://s3.example.com"], "need --admin-address")):
        p = subprocess.run([CAIRN_BIN, "server", "--data", str(tmp_path / "d"), "--address", f"127.0.0.1:{free_port()}", *args],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode != 0 and message in p.stderr, p.stderr

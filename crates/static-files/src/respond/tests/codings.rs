//! Content coding by `Accept-Encoding`.

use super::*;

#[test]
fn gzip_for_big_text_when_accepted() {
    for path in ["/big.html", "/big.css"] {
        let identity = get(path);
        let res = ask(
            Method::GET,
            path,
            &[("accept-encoding", "gzip, deflate, br")],
        );
        assert!(
            identity.body().len() >= encoding::MIN_COMPRESS_LEN,
            "{path} is big"
        );
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "content-encoding"), Some("gzip"), "{path}");
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
        let plain = encoding::gunzip(res.body());
        assert_eq!(&plain, identity.body());
        assert!(res.body().len() < plain.len());
        assert_eq!(
            header(&res, "content-length"),
            Some(res.body().len().to_string().as_str())
        );
        // A different representation, a different strong tag.
        let gz_tag = caching::representation_tag(header(&identity, "etag").unwrap(), Coding::Gzip);
        assert_eq!(header(&res, "etag"), Some(gz_tag.as_str()));
        assert_ne!(header(&res, "etag"), header(&identity, "etag"));
        assert_eq!(
            header(&res, "content-type"),
            header(&identity, "content-type")
        );
        assert_eq!(header(&res, "accept-ranges"), Some("bytes"));
    }
}

#[test]
fn q_values_decide_the_coding() {
    let coding = |ae: &str| {
        let res = ask(Method::GET, "/big.html", &[("accept-encoding", ae)]);
        assert_eq!(res.status(), StatusCode::OK, "{ae}");
        header(&res, "content-encoding").map(str::to_owned)
    };
    assert_eq!(coding("gzip"), Some("gzip".into()));
    assert_eq!(coding("*"), Some("gzip".into()));
    assert_eq!(coding("gzip;q=0.5, identity"), None);
    assert_eq!(coding("gzip;q=0"), None);
    assert_eq!(coding("br"), None);
    assert_eq!(coding("identity"), None);
    assert_eq!(coding(""), None);
    assert_eq!(coding("gzip;q=0.1, identity;q=0"), Some("gzip".into()));
    // Several header lines are one list.
    let res = ask(
        Method::GET,
        "/big.html",
        &[("accept-encoding", "br"), ("accept-encoding", "gzip")],
    );
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
}

#[test]
fn small_or_binary_files_are_not_compressed() {
    for path in ["/css/site.css", "/index.html", "/big.png"] {
        let res = ask(Method::GET, path, &[("accept-encoding", "gzip")]);
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "content-encoding"), None, "{path}");
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"), "{path}");
    }
    // Unless identity is refused: then a small text file is gzipped after all.
    let res = ask(
        Method::GET,
        "/css/site.css",
        &[("accept-encoding", "gzip, identity;q=0")],
    );
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert_eq!(encoding::gunzip(res.body()), b"body{}");
}

#[test]
fn nothing_acceptable_is_406() {
    for (path, ae) in [
        ("/big.html", "identity;q=0, *;q=0"),
        ("/big.html", "br, identity;q=0"),
        ("/css/site.css", "*;q=0"),
        ("/big.png", "gzip, identity;q=0"),
    ] {
        let res = ask(Method::GET, path, &[("accept-encoding", ae)]);
        assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE, "{path} {ae}");
        assert_eq!(
            res.body(),
            b"Not Acceptable: no content coding you accept\n"
        );
        assert_eq!(
            header(&res, "content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(&res, "etag"), None);
        assert_eq!(header(&res, "content-encoding"), None);
    }
    // Errors are not negotiated: a missing file is still a plain 404.
    let res = ask(Method::GET, "/nope", &[("accept-encoding", "*;q=0")]);
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[test]
fn if_none_match_compares_with_the_chosen_representation() {
    let gz = [("accept-encoding", "gzip")];
    let gz_tag = gzip_tag_of(BIG_HTML);
    let res = ask(
        Method::GET,
        "/big.html",
        &[gz[0], ("if-none-match", &gz_tag)],
    );
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, "etag"), Some(gz_tag.as_str()));
    // The identity tag does not validate the gzip representation, nor the reverse.
    let res = ask(
        Method::GET,
        "/big.html",
        &[gz[0], ("if-none-match", &tag_of(BIG_HTML))],
    );
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    let res = ask(Method::GET, "/big.html", &[("if-none-match", &gz_tag)]);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), None);
}

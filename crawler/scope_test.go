package crawler

import (
	"errors"
	"net/url"
	"testing"
)

func TestScope(t *testing.T) {
	sc, err := newScope([]string{"http://www.ninghai.gov.cn/col/col1/index.html", "https://x.gov.cn:8443/list/"},
		[]string{"files.ninghai.gov.cn", "cdn.ninghai.gov.cn:8080"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://www.ninghai.gov.cn/art/1.html", true},
		{"https://www.ninghai.gov.cn/art/1.html", true}, // http → https of a default-port start
		{"http://WWW.Ninghai.gov.cn:80/robots.txt", true},
		{"http://www.ninghai.gov.cn:8080/art/1.html", false}, // another port of the start host
		{"https://x.gov.cn:8443/a.html", true},
		{"https://x.gov.cn/a.html", false}, // a non-default start port allows only itself
		{"http://files.ninghai.gov.cn/a.pdf", true},
		{"https://files.ninghai.gov.cn/a.pdf", true},
		{"http://files.ninghai.gov.cn:81/a.pdf", false},
		{"http://cdn.ninghai.gov.cn:8080/a.pdf", true},
		{"http://cdn.ninghai.gov.cn/a.pdf", false},
		{"http://evil.example.com/robots.txt", false},
		{"ftp://www.ninghai.gov.cn/a.pdf", false},
		{"file:///etc/passwd", false},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		err = sc.check(u)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, errOffScope) {
			t.Errorf("check(%s) = %v, want allowed %v", tc.url, err, tc.ok)
		}
	}
	if _, err := newScope([]string{"ftp://www.ninghai.gov.cn/"}, nil); err == nil {
		t.Error("an ftp start URL made a scope")
	}
}

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/config"
)

// shoutrrr's parse errors echo the credentials of the URL they reject;
// validate must print the problem without them.
func TestValidateHidesSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gongkai.yaml")
	os.WriteFile(path, []byte(`sources: [{name: a, start: http://a.cn/}]
notify:
  - url: wecom://bad key WECOMSECRETKEY
  - url: telegram://TGSECRETTOKENxyz@telegram
  - url: ntfy://:NTFYSECRETPW@ntfy.sh/topic?priority=PRIOSECRET
  - url: smtp://user:SMTPSECRET@mail.example.org:25/?from=a@b.c&to=x@y.z&auth=bogus
`), 0o644)
	out, _, err := gongkai(t, "validate", "-config", path)
	if err == nil {
		t.Fatalf("validate accepted bad targets:\n%s", out)
	}
	if !strings.Contains(out, "notify[0]") || !strings.Contains(out, "notify[1]") || !strings.Contains(out, "notify[2]") {
		t.Errorf("validate does not report the bad targets:\n%s", out)
	}
	for _, secret := range []string{"WECOMSECRETKEY", "TGSECRETTOKEN", "NTFYSECRETPW", "PRIOSECRET", "SMTPSECRET"} {
		if strings.Contains(out, secret) {
			t.Errorf("validate output shows %s:\n%s", secret, out)
		}
	}
}

func TestRedactor(t *testing.T) {
	cfg := &config.Config{Notify: []config.Target{
		{URL: "wecom://0123456789abcdef"},
		{URL: "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@mychannel"},
		{URL: "gotify://gotify.example.org/Aq1Bw2Ce3Dr4?title=hi"},
		{URL: "smtp://user:pa55@mail.example.org:25/?from=a@b.c&to=x@y.z"},
		{Webhook: "https://hooks.example.org/services/T000/B000/XXXXsecret?token=qwerty12", Secret: "hmac-secret-value"},
	}}
	r := newRedactor(cfg)
	tests := []struct{ in, want string }{
		{"invalid key 0123456789abcdef", "invalid key ***"},
		{"telegram: invalid telegram token: 110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "telegram: invalid telegram token: ***:***"},
		{"gotify: token Aq1Bw2Ce3Dr4 rejected", "gotify: token *** rejected"},
		{"smtp auth failed for user with password pa55", "smtp auth failed for *** with password ***"},
		{"the username is wrong", "the username is wrong"},
		{`Post "https://hooks.example.org/services/T000/B000/XXXXsecret?token=qwerty12": EOF`, `Post "https://hooks.example.org/***": EOF`},
		{"bad value qwerty12 for token", "bad value *** for token"},
		{"signature hmac-secret-value", "signature ***"},
		{"dial wecom://0123456789abcdef/x", "dial wecom://***"},
		{"telegram: chat not found", "telegram: chat not found"},
	}
	for _, tt := range tests {
		if got := r.text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// notify-test reports a target that cannot be set up, or whose receiver
// refuses the message, without the credentials in its URL.
func TestNotifyTestHidesSecrets(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no hook "+strings.TrimPrefix(r.URL.Path, "/hook/")+" for key "+r.URL.Query().Get("key"), http.StatusForbidden)
	}))
	defer echo.Close()
	cfg, _ := demoConfig(t, "notify:\n  - webhook: "+echo.URL+"/hook/HOOKSECRET123?key=KEYSECRET456\n")
	out, _, err := gongkai(t, "notify-test", "-config", cfg)
	if err == nil || !strings.Contains(out, "FAIL") || !strings.Contains(out, "403") {
		t.Fatalf("notify-test against a refusing receiver: %v\n%s", err, out)
	}
	bad, _ := demoConfig(t, "notify:\n  - url: telegram://TGSECRETTOKENxyz@telegram\n")
	_, _, berr := gongkai(t, "notify-test", "-config", bad)
	if berr == nil || !strings.Contains(berr.Error(), "telegram") {
		t.Fatalf("notify-test with a bad telegram URL: %v", berr)
	}
	for _, secret := range []string{"HOOKSECRET123", "KEYSECRET456", "TGSECRETTOKEN"} {
		if strings.Contains(out+berr.Error(), secret) {
			t.Errorf("notify-test output shows %s:\n%s\n%v", secret, out, berr)
		}
	}
}

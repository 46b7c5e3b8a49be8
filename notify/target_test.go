package notify

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidateTarget(t *testing.T) {
	tests := []struct {
		name   string
		target Target
		want   string // substring of the error; "" = valid
	}{
		{"webhook", Target{Webhook: "https://hooks.example.org/gongkai", Secret: "x"}, ""},
		{"generic", Target{URL: "generic://hooks.example.org/notify?disabletls=yes"}, ""},
		{"generic custom", Target{URL: "generic+https://hooks.example.org/notify"}, ""},
		{"custom on a service without", Target{URL: "telegram+https://api.telegram.org/x"}, "custom"},
		{"smtp", Target{URL: "smtp://user:pass@smtp.example.org:587/?from=a@example.org&to=b@example.org"}, ""},
		{"ntfy", Target{URL: "ntfy://ntfy.sh/gongkai-alerts"}, ""},
		{"matrix logs in offline", Target{URL: "matrix://bot:pw@matrix.example.org/?rooms=!room:example.org"}, ""},
		{"wecom", Target{URL: "wecom://693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"}, ""},
		{"lark", Target{URL: "lark://open.feishu.cn/abc123?secret=xyz"}, ""},
		{"telegram", Target{URL: "telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@gongkai"}, ""},
		{"gotify", Target{URL: "gotify://gotify.example.org/AzyoeNS.D4iJLVa"}, ""},
		{"filters", Target{Webhook: "http://localhost:9000/", Sources: []string{"ninghai"}, Events: []string{"new", "withdrawn"}, Match: "年度报告", Exclude: "^关于"}, ""},
		{"neither", Target{Name: "x"}, "set one of webhook and url"},
		{"both", Target{Webhook: "https://h.example/", URL: "generic://h.example/"}, "only one"},
		{"unknown scheme", Target{URL: "carrierpigeon://loft/7"}, "unknown service"},
		{"not a url", Target{URL: "::nonsense"}, "url"},
		{"webhook scheme", Target{Webhook: "ftp://h.example/x"}, "http or https"},
		{"webhook host", Target{Webhook: "https:///x"}, "no host"},
		{"secret on url", Target{URL: "generic://h.example/x", Secret: "s"}, "secret applies only to webhook"},
		{"unknown kind", Target{Webhook: "https://h.example/", Events: []string{"new", "deleted"}}, `unknown event kind "deleted"`},
		{"bad match", Target{Webhook: "https://h.example/", Match: "年度(报告"}, "match"},
		{"bad exclude", Target{Webhook: "https://h.example/", Exclude: "[z-a]"}, "exclude"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateTarget(tc.target)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("ValidateTarget(%s) = %v, want nil", tc.name, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("ValidateTarget(%s) = %v, want an error containing %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestValidateTargetHidesSecrets(t *testing.T) {
	for _, tg := range []Target{
		{URL: "carrierpigeon://user:TOPSECRET@loft/TOPSECRET"},
		{URL: "wecom://TOPSECRET", Match: "("},
		{Webhook: "https://h.example/TOPSECRET?k=TOPSECRET", Events: []string{"bogus"}},
	} {
		err := ValidateTarget(tg)
		if err == nil {
			t.Errorf("ValidateTarget(%s) = nil, want an error", tg.DisplayName())
			continue
		}
		if strings.Contains(err.Error(), "TOPSECRET") {
			t.Errorf("ValidateTarget error leaks a secret: %v", err)
		}
	}
}

func TestKeyAndName(t *testing.T) {
	a := Target{Webhook: "https://hooks.example.org/services/T0/B0/TOPSECRET"}
	renamed := a
	renamed.Name, renamed.Match, renamed.Digest = "ops", "x", true
	other := Target{Webhook: "https://hooks.example.org/services/T0/B0/OTHER"}
	wecom := Target{URL: "wecom://TOPSECRET"}
	if a.Key() != renamed.Key() {
		t.Errorf("Key changed with name or filters: %q vs %q", a.Key(), renamed.Key())
	}
	if a.Key() == other.Key() {
		t.Errorf("two endpoints share Key %q", a.Key())
	}
	for _, tg := range []Target{a, wecom} {
		if strings.Contains(tg.Key(), "TOPSECRET") || strings.Contains(tg.DisplayName(), "TOPSECRET") {
			t.Errorf("Key %q / DisplayName %q leak the secret", tg.Key(), tg.DisplayName())
		}
	}
	tests := []struct {
		target Target
		want   string
	}{
		{a, "https://hooks.example.org/…"},
		{renamed, "ops"},
		{Target{Webhook: "http://user:pw@localhost:8080"}, "http://localhost:8080"},
		{wecom, wecom.Key()},
	}
	for _, tc := range tests {
		if got := tc.target.DisplayName(); got != tc.want {
			t.Errorf("DisplayName() = %q, want %q", got, tc.want)
		}
	}
	if !strings.HasPrefix(wecom.Key(), "wecom-") || !strings.HasPrefix(a.Key(), "webhook-") {
		t.Errorf("keys %q, %q should name their kind", wecom.Key(), a.Key())
	}
}

func TestScrub(t *testing.T) {
	base := errors.New(`Post "https://api.telegram.org/botTOPSECRET/sendMessage?x=TOPSECRET": dial tcp: refused; lark://open.larksuite.com/TOPSECRET`)
	err := scrub(base)
	if strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("scrub left a secret: %v", err)
	}
	if want := `Post "https://api.telegram.org/…": dial tcp: refused; lark://…`; err.Error() != want {
		t.Errorf("scrub = %q, want %q", err.Error(), want)
	}
	if !errors.Is(err, base) {
		t.Errorf("scrubbed error no longer wraps the original")
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Min: time.Second, Max: 10 * time.Second}
	for n, ceiling := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 40: 10 * time.Second} {
		for range 50 {
			if d := b.delay(n); d < ceiling/2 || d > ceiling {
				t.Fatalf("delay(%d) = %v, want within [%v, %v]", n, d, ceiling/2, ceiling)
			}
		}
	}
}

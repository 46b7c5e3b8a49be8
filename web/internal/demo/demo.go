// Package demo fills an archive with a small, realistic set of documents —
// two sources, a report archived in two versions, a withdrawn notice — for
// the browser test and for trying the UI by hand.
package demo

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

// What the browser test looks for.
const (
	Source      = "ninghai"
	ReportTitle = "宁海县公安局2024年法治政府建设年度报告"
	NoticeTitle = "关于开展春季安全生产大检查的通知"
	// The report's v2 changes one character of this sentence (14.83% → 14.88%).
	ChangedBefore = "全县警情同比下降14.83%"
	ChangedAfter  = "全县警情同比下降14.88%"
	AddedSentence = "三是落实负面清单制度，明确社区民警9项日常工作任务。"
	// and drops this one.
	RemovedSentence = "全年办理行政复议案件12件，行政诉讼案件5件，无一被撤销或确认违法。"
	// The raw capture of the report tries to run this script; the sandbox must stop it.
	HostileTitle = "pwned"
)

var report = extract.Document{
	Title: ReportTitle, IndexNo: "002966124/2025-41880", Published: "2025-01-23", Written: "2025-01-20",
	Publisher: "宁海县公安局", Topic: "计划总结", Access: "主动公开",
	Body: strings.Join([]string{
		"2024年以来，宁海县公安局坚持以习近平新时代中国特色社会主义思想为指导，全面推进单位法治建设，认真贯彻落实习近平法治思想，扎实推进执法规范化建设，全面提升执法公信力。",
		"一、2024年推进法治政府建设的总体情况及成效",
		"（一）优化勤务模式，提升执法主体效能",
		"宁海县公安局以试点改革为契机，通过优化考评体系、推动警力下沉、落实负面清单，持续推动“派出所主防”走深走实，全县警情同比下降14.83%。一是优化考评体系。取消一类所的刑侦类打处指标，同步提高基层治理相关工作的考核比重。二是推动警力下沉。将社区民警队伍从57人扩充至118人。",
		"（二）规范执法行为，提升执法办案质效",
		"全面落实行政执法公示、执法全过程记录、重大执法决定法制审核制度。全年办理行政复议案件12件，行政诉讼案件5件，无一被撤销或确认违法。",
		"（三）强化法治宣传，营造尊法守法氛围",
		"深入开展“八五”普法，组织法治宣传进社区、进学校、进企业活动46场次。",
		"二、存在的不足和原因",
		"一是执法规范化水平仍需提升；二是基层法治力量相对薄弱。",
		"三、2025年推进法治政府建设的主要安排",
		"下一步，我们将持续深化执法规范化建设，加强执法监督，不断提升公安工作法治化水平。",
	}, "\n"),
	Attachments: []extract.Attachment{{Name: "2024年法治政府建设年度报告.pdf", URL: "https://www.ninghai.gov.cn/module/download/downfile.jsp?fileid=1"}},
}

func reportV2() extract.Document {
	d := report
	d.Published = "2025-01-24"
	d.Body = strings.Replace(d.Body, ChangedBefore, ChangedAfter, 1)
	d.Body = strings.Replace(d.Body, "将社区民警队伍从57人扩充至118人。", "将社区民警队伍从57人扩充至118人。"+AddedSentence, 1)
	d.Body = strings.Replace(d.Body, RemovedSentence, "", 1)
	return d
}

var others = []struct {
	source, url string
	doc         extract.Document
}{
	{Source, "https://www.ninghai.gov.cn/art/2025/2/3/art_1229_5690.html", extract.Document{
		Title: NoticeTitle, IndexNo: "002966124/2025-42001", Published: "2025-02-03", Publisher: "宁海县应急管理局",
		DocNo: "宁应急〔2025〕5号", Topic: "安全生产", Access: "主动公开",
		Body: "各乡镇（街道）、县级有关单位：\n为切实做好春季安全生产工作，有效防范和遏制各类生产安全事故，现就开展春季安全生产大检查有关事项通知如下。\n一、检查时间：2025年2月10日至3月31日。\n二、检查范围：全县各类生产经营单位。"}},
	{Source, "https://www.ninghai.gov.cn/art/2024/12/30/art_1229_5601.html", extract.Document{
		Title: "宁海县2025年元旦假期值班安排", IndexNo: "002966124/2024-39876", Published: "2024-12-30", Publisher: "宁海县人民政府办公室",
		Body: "2025年元旦假期为1月1日，共1天。假期期间各单位要严格落实值班制度。"}},
	{Source, "https://www.ninghai.gov.cn/art/2019/3/1/art_1229_1001.html", extract.Document{
		Title: "关于调整办公时间的公告", Published: "2019-03-01", Body: "自即日起，办公时间调整为上午九点至下午五点。"}},
	{"cixi", "https://www.cixi.gov.cn/art/2023/3/1/art_1229_777.html", extract.Document{
		Title: "慈溪市公安局2022年法治政府建设工作情况", Published: "2023-03-01", Publisher: "慈溪市公安局",
		Body: "2022年，市公安局以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，不断提升公安工作法治化水平和执法公信力。"}},
}

func page(d extract.Document, extra string) []byte {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(d.Title) + "</title>")
	b.WriteString("<script>document.title = '" + HostileTitle + "'; fetch('/api/backup')</script>" + extra)
	b.WriteString("<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}</style></head><body>")
	b.WriteString("<h1>" + html.EscapeString(d.Title) + "</h1><table class=\"xxgk_table\"><tr><td>索引号</td><td>" + html.EscapeString(d.IndexNo) + "</td></tr></table><div id=\"zoom\">")
	for _, p := range strings.Split(d.Body, "\n") {
		b.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	b.WriteString("</div><img src=\"https://www.ninghai.gov.cn/tracker.gif\"></body></html>")
	return []byte(b.String())
}

// Seed records the demo documents into s. The report is fetched at t0 and
// again, changed, a day later; one notice is then withdrawn.
func Seed(ctx context.Context, s *archive.Store, t0 time.Time) error {
	runs := map[string]*archive.Run{}
	run := func(source string) (*archive.Run, error) {
		if runs[source] == nil {
			r, err := s.Begin(ctx, source, archive.RunOptions{})
			if err != nil {
				return nil, err
			}
			runs[source] = r
		}
		return runs[source], nil
	}
	record := func(source, url string, d extract.Document, at time.Time) error {
		r, err := run(source)
		if err != nil {
			return err
		}
		_, err = r.Record(ctx, archive.Observation{URL: url, Doc: d, Capture: archive.Capture{
			URL: url, Method: http.MethodGet, Proto: "HTTP/1.1", Status: http.StatusOK,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: page(d, ""), FetchedAt: at,
		}})
		if err != nil {
			return fmt.Errorf("seed %s: %w", url, err)
		}
		return nil
	}
	const reportURL = "https://www.ninghai.gov.cn/art/2025/1/23/art_1229_5678.html"
	day := 24 * time.Hour
	errs := []error{record(Source, reportURL, report, t0)}
	for _, o := range others {
		errs = append(errs, record(o.source, o.url, o.doc, t0))
	}
	errs = append(errs, record(Source, reportURL, reportV2(), t0.Add(day)))
	main, err := run(Source)
	if err != nil {
		return err
	}
	if _, err := main.Withdraw(ctx, others[2].url, "no longer listed", t0.Add(day)); err != nil {
		errs = append(errs, err)
	}
	cixi, err := run("cixi")
	if err != nil {
		return err
	}
	errs = append(errs,
		main.End(ctx, archive.RunStats{Started: t0.Add(day), Duration: 83 * time.Second, ListPages: 3, Fetched: 5, New: 0, Changed: 1, Unchanged: 3, Withdrawn: 1}, nil),
		cixi.End(ctx, archive.RunStats{Started: t0.Add(day), Duration: 2 * time.Second, ListPages: 1, Errors: 1}, errors.New("list page https://www.cixi.gov.cn/col/col1229/index.html: HTTP 412 (anti-bot challenge)")),
	)
	for name, r := range runs {
		if name != Source && name != "cixi" {
			errs = append(errs, r.End(ctx, archive.RunStats{Started: t0}, nil))
		}
	}
	return errors.Join(errs...)
}

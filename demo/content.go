package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// report is one of the five real report texts in site/seeds, with the
// metadata its own site showed (kept in each seed's layout) and how many
// leading lines of the seed are that metadata and title rather than body.
type report struct {
	seed     string
	skip     int      // leading non-empty lines that are not body
	dropTail []string // trailing lines that are page chrome, not body
	doc      doc
}

var reports = []report{
	{
		// A vertical label/value table, then a 发布日期/信息来源/浏览次数 line.
		seed: "000_832919233abb73f2.txt", skip: 13,
		doc: doc{ID: 5826411, Title: "宁海县公安局2024年法治政府建设年度报告", Published: "2025-01-23 14:48:26", Written: "2025-01-26",
			IndexNo: "002966124/2025-41880", Publisher: "宁海县公安局", Source: "宁海县公安局", Access: "主动公开", Layout: "vertical"},
	},
	{
		// No index number: only the date and source line.
		seed: "001_01c10ac9e2f52e48.txt", skip: 2,
		doc: doc{ID: 5391207, Title: "慈溪市公安局2022年法治政府建设工作情况", Published: "2023-03-01 10:05", Source: "市公安局", Layout: "line"},
	},
	{
		// No metadata block at all; 关闭/打印 links and a 公网安备 line end the page.
		seed: "002_1bfe5519550173db.txt", skip: 1, dropTail: []string{"关闭", "打印", "粤公网安备44200002443367"},
		doc: doc{ID: 5901126, Title: "中山市公安局2025年法治政府建设年度报告", Published: "2026-01-16 09:30", Source: "中山市公安局", Layout: "none"},
	},
	{
		// Two label/value pairs a row.
		seed: "003_f1791e05a033832b.txt", skip: 4, dropTail: []string{"【返回顶部】【打印本稿】【关闭本页】"},
		doc: doc{ID: 5829630, Title: "温州市公安局鹿城区分局2024年法治政府建设年度报告", Published: "2025-02-07 16:12", IndexNo: "001008003001008/2025-52138",
			Topic: "计划总结", Publisher: "区公安分局", Source: "区公安分局", Access: "主动公开", Layout: "pairs"},
	},
	{
		// A four-column table with colon labels and an empty 发文字号.
		seed: "004_9837b4452fbf4d0d.txt", skip: 3,
		doc: doc{ID: 5367719, Title: "绍兴市公安局2022年法治政府建设年度报告", Published: "2023-01-16 15:40", Written: "2023-01-13",
			IndexNo: "11330600002577508J/2023-236878", Publisher: "市公安局", Source: "市公安局", Topic: "公安", Access: "主动公开", Layout: "colon4"},
	},
}

// editedID is the report Edit corrects; the sentence below is in its body.
const (
	editedID      = 5829630
	editedBefore  = "全局成诉率80.80%,不诉率1.71%;"
	editedAfter   = "全局成诉率81.08%,不诉率1.17%;"
	noticeAgency  = "示例市公安局"
	noticeIndexNo = "113300000000000000/"
)

// notices are short fictional notices, in the Jiangsu xxgk table layout.
var notices = []doc{
	{ID: 5898812, Title: "关于调整出入境接待大厅办公时间的公告", Published: "2025-12-30 09:00", DocNo: "示公告〔2025〕12号", Topic: "公安",
		Paras: paras(
			"为进一步方便群众办理出入境证件，经研究，自2026年1月1日起，示例市公安局出入境接待大厅办公时间调整如下：",
			"一、工作日（周一至周五）：上午8:30—12:00，下午13:30—17:30。",
			"二、每周六上午9:00—12:00照常办公，办理普通护照、往来港澳台通行证及签注的受理和取证业务。",
			"三、法定节假日休息，具体安排另行公告。",
			"特此公告。",
			"|示例市公安局",
			"|2025年12月30日"),
		Attachments: []attachment{{Name: "出入境接待大厅办公时间调整表.pdf", Path: "/attach/2025/12/30/P020251230390118822301.pdf", Data: samplePDF("schedule")}}},
	{ID: 5867340, Title: "关于开展2025年夏季治安打击整治行动的通告", Published: "2025-06-18 16:20", DocNo: "示公通〔2025〕7号", Topic: "公安",
		Paras: paras(
			"为切实维护夏季社会治安秩序，保障人民群众生命财产安全，示例市公安局决定自2025年6月20日至9月30日在全市开展夏季治安打击整治行动。现将有关事项通告如下：",
			"一、依法严厉打击盗窃、诈骗、寻衅滋事等违法犯罪活动。",
			"二、加强夜间巡逻防控，重点整治夜市、娱乐场所周边治安秩序。",
			"三、欢迎广大群众积极提供违法犯罪线索，对提供重要线索的依规给予奖励。",
			"|示例市公安局",
			"|2025年6月18日")},
	{ID: 5825577, Title: "关于2025年春节期间烟花爆竹燃放管理的通告", Published: "2025-01-20 10:00", DocNo: "示公通〔2025〕2号", Topic: "公安",
		Paras: paras(
			"为保障春节期间公共安全，根据《烟花爆竹安全管理条例》等规定，现就烟花爆竹燃放管理有关事项通告如下：",
			"一、2025年1月28日至2月12日，在城区限放区域内每日8时至22时可以燃放烟花爆竹。",
			"二、禁止在文物保护单位、车站、医院、学校等场所燃放烟花爆竹。",
			"三、违反本通告的，由公安机关依法予以处罚。",
			"|示例市公安局",
			"|2025年1月20日")},
	{ID: 5342108, Title: "关于启用新版户籍业务办理指南的通知", Published: "2022-12-05 15:30", DocNo: "示公通〔2022〕19号", Topic: "公安",
		Paras: paras(
			"各分局、派出所：",
			"为统一全市户籍业务办理标准，市局修订了《示例市户籍业务办理指南》，自2023年1月1日起启用，原指南同时废止。",
			"请各单位组织窗口民警认真学习，做好群众解释工作。",
			"|示例市公安局",
			"|2022年12月5日")},
}

// initialDocs returns the site's documents before Edit, newest first.
func initialDocs() []*doc {
	var out []*doc
	for _, r := range reports {
		d := r.doc
		d.Paras = seedParas(r)
		out = append(out, &d)
	}
	for i, n := range notices {
		d := n
		d.Paras = slices.Clone(n.Paras)
		d.Publisher, d.Source, d.Access, d.Layout = noticeAgency, noticeAgency, "主动公开", "xxgk"
		d.IndexNo = fmt.Sprintf("%s%s-%05d", noticeIndexNo, d.Published[:4], 100+i)
		out = append(out, &d)
	}
	slices.SortStableFunc(out, func(a, b *doc) int { return strings.Compare(b.Published, a.Published) })
	return out
}

// seedParas reads a seed's body paragraphs: its non-empty lines after the
// metadata and title lines, without the trailing page chrome.
func seedParas(r report) []para {
	data, err := siteFS.ReadFile("site/seeds/" + r.seed)
	if err != nil {
		panic("demo: embedded seed missing: " + err.Error()) // embedded at build time
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	lines = lines[r.skip:]
	for len(lines) > 0 && slices.Contains(r.dropTail, lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	out := make([]para, len(lines))
	for i, l := range lines {
		// A closing date line ("2023年2月28日") is the signing date.
		out[i] = para{Text: l, Sign: len([]rune(l)) <= 12 && strings.HasSuffix(l, "日")}
	}
	return out
}

// paras builds paragraphs; a leading "|" marks a right-aligned signature line.
func paras(lines ...string) []para {
	out := make([]para, len(lines))
	for i, l := range lines {
		text, sign := strings.CutPrefix(l, "|")
		out[i] = para{Text: text, Sign: sign}
	}
	return out
}

// correct returns the paragraphs with the corrected sentence.
func correct(ps []para) []para {
	out := slices.Clone(ps)
	for i, p := range out {
		if strings.Contains(p.Text, editedBefore) {
			out[i].Text = strings.Replace(p.Text, editedBefore, editedAfter, 1)
		}
	}
	return out
}

// newNotice is the notice Edit publishes, dated the day it appears.
func newNotice(now time.Time) *doc {
	day := fmt.Sprintf("%d年%d月%d日", now.Year(), int(now.Month()), now.Day())
	return &doc{
		ID: 5912001, Title: "关于冬季道路交通安全管理工作的通告", Published: now.Format("2006-01-02 15:04"),
		DocNo: fmt.Sprintf("示公通〔%d〕21号", now.Year()), Topic: "公安",
		IndexNo:   fmt.Sprintf("%s%d-%05d", noticeIndexNo, now.Year(), 200),
		Publisher: noticeAgency, Source: noticeAgency, Access: "主动公开", Layout: "xxgk",
		Paras: paras(
			"为预防和减少冬季道路交通事故，保障群众出行安全，现就冬季道路交通安全管理有关事项通告如下：",
			"一、雨雪、冰冻、大雾等恶劣天气期间，驾驶人应当降低车速、保持安全车距，服从交通警察指挥。",
			"二、公安交管部门将在重点路段加强巡逻管控，依法查处超速、酒驾醉驾等违法行为。",
			"|示例市公安局",
			"|"+day),
	}
}

// samplePDF is a minimal one-page PDF, enough for a crawler to fetch and
// hash as an attachment.
func samplePDF(label string) []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%" + label + "\n%%EOF\n")
}

package postbindings

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

func testRenderer(t *testing.T) (*Renderer, *Signer) {
	t.Helper()
	signer := &Signer{Secret: func() (string, error) { return strings.Repeat("k", 64), nil }}
	return &Renderer{
		ActionURL: "/plugins/lambda-apps/api/v1/post-action",
		Seal:      signer.Sign,
		IconURL: func(_ apps.AppID, icon string) string {
			return map[bool]string{true: "", false: "https://icons/" + icon}[icon == ""]
		},
	}, signer
}

func decodeBindings(t *testing.T, raw string) []apps.Binding {
	t.Helper()
	var prop any
	require.NoError(t, json.Unmarshal([]byte(raw), &prop))
	b, err := Decode(prop)
	require.NoError(t, err)
	return b
}

// actionNames lists an attachment's actions as "type:name[opt,opt]".
func actionNames(a *model.MessageAttachment) []string {
	var out []string
	for _, act := range a.Actions {
		s := act.Type + ":" + act.Name
		if len(act.Options) > 0 {
			var opts []string
			for _, o := range act.Options {
				opts = append(opts, o.Text+"="+o.Value)
			}
			s += "[" + strings.Join(opts, ",") + "]"
		}
		out = append(out, s)
	}
	return out
}

func TestRender(t *testing.T) {
	many := func(n int, kind string) string {
		var parts []string
		for i := 0; i < n; i++ {
			switch kind {
			case "top":
				parts = append(parts, fmt.Sprintf(`{"location":"t%d","label":"T%d","bindings":[{"location":"b","label":"B","submit":{"path":"/x"}}]}`, i, i))
			case "button":
				parts = append(parts, fmt.Sprintf(`{"location":"b%d","label":"B%d","submit":{"path":"/x"}}`, i, i))
			case "option":
				parts = append(parts, fmt.Sprintf(`{"location":"o%d","label":"O%d"}`, i, i))
			}
		}
		return strings.Join(parts, ",")
	}
	tests := []struct {
		name        string
		raw         string
		titles      []string
		texts       []string
		actions     [][]string
		problems    []string // substrings of the problems' reasons
		thumbIcons  []string
		authorIcons string
	}{
		{
			name: "alert with two buttons, label, description and icon",
			raw: `[{"app_id":"hello","location":"alert","label":"Disk full","description":"on **db1**","icon":"alert.png","bindings":[
				{"location":"ack","label":"Acknowledge","submit":{"path":"/ack","expand":{"post":"summary"}}},
				{"location":"close","label":"Close","submit":"/close"}]}]`,
			titles:     []string{"Disk full"},
			texts:      []string{"on **db1**"},
			actions:    [][]string{{"button:Acknowledge", "button:Close"}},
			thumbIcons: []string{"https://icons/alert.png"},
		},
		{
			name: "a binding with children is a static select; options from the option bindings",
			raw: `[{"location":"ticket","description":"Ticket #1","bindings":[
				{"location":"status","label":"Set status","submit":{"path":"/status"},"bindings":[
					{"location":"open","label":"Open"},{"location":"done","label":"Done","submit":{"path":"/done"}},{"location":"wip"}]}]}]`,
			titles:  []string{""},
			texts:   []string{"Ticket #1"},
			actions: [][]string{{"select:Set status[Open=open,Done=done,wip=wip]"}},
		},
		{
			name:    "location defaults to the label; a label defaults to the location",
			raw:     `[{"label":"Top","bindings":[{"label":"Go","submit":{"path":"/go"}},{"location":"nolabel","form":{"title":"F"}}]}]`,
			titles:  []string{"Top"},
			texts:   []string{""},
			actions: [][]string{{"button:Go", "button:nolabel"}},
		},
		{
			name: "nested too deeply, no target, bad and duplicate locations are left out",
			raw: `[{"location":"a","bindings":[
				{"location":"sel","bindings":[{"location":"o","bindings":[{"location":"deep","submit":"/x"}]}]},
				{"location":"nothing","label":"Nothing"},
				{"location":"two words","label":"x","submit":"/x"},
				{"location":"ok","label":"OK","submit":"/ok"},
				{"location":"ok","label":"Again","submit":"/ok"},
				{"location":"sel2","label":"S","bindings":[{"location":"o1","label":"O1"}]}]},
				{"location":"a","label":"dup top","bindings":[]},
				{"bindings":[]}]`,
			titles:  []string{""},
			texts:   []string{""},
			actions: [][]string{{"button:OK"}},
			problems: []string{"nested too deeply", "select has no usable options", "button needs a submit call or a form",
				"one path segment", "duplicate location", "option needs a submit call", "select has no usable options",
				"duplicate location", "top-level binding needs"},
		},
		{
			name:     "bindings of another app are not rendered",
			raw:      `[{"app_id":"other","location":"x","label":"X","bindings":[{"location":"b","label":"B","submit":"/b"}]}]`,
			problems: []string{"another app (other)"},
		},
		{
			name:     "at most MaxAttachments attachments",
			raw:      "[" + many(MaxAttachments+2, "top") + "]",
			problems: []string{"more than 10 bindings", "more than 10 bindings"},
		},
		{
			name:     "at most MaxActions actions",
			raw:      `[{"location":"a","bindings":[` + many(MaxActions+1, "button") + `]}]`,
			titles:   []string{""},
			texts:    []string{""},
			problems: []string{"more than 10 buttons"},
		},
		{
			name:     "at most MaxOptions options",
			raw:      `[{"location":"a","bindings":[{"location":"s","submit":"/s","bindings":[` + many(MaxOptions+1, "option") + `]}]}]`,
			titles:   []string{""},
			texts:    []string{""},
			problems: []string{"more than 100 options"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, signer := testRenderer(t)
			out := r.Render(App{ID: "hello", Name: "Hello", Icon: "icon.png"}, "", decodeBindings(t, tc.raw))
			var reasons []string
			for _, p := range out.Problems {
				reasons = append(reasons, p.Reason)
			}
			require.Len(t, reasons, len(tc.problems), "problems: %v", reasons)
			for i, want := range tc.problems {
				assert.Contains(t, reasons[i], want)
			}
			if tc.name == "at most MaxAttachments attachments" {
				assert.Len(t, out.Attachments, MaxAttachments)
				return
			}
			require.Len(t, out.Attachments, len(tc.titles))
			for i, a := range out.Attachments {
				assert.Equal(t, tc.titles[i], a.Title)
				assert.Equal(t, tc.texts[i], a.Text)
				assert.Equal(t, "Hello", a.AuthorName)
				assert.Equal(t, "https://icons/icon.png", a.AuthorIcon, "the app's icon")
				if tc.thumbIcons != nil {
					assert.Equal(t, tc.thumbIcons[i], a.ThumbURL)
				}
				switch tc.name {
				case "at most MaxActions actions":
					assert.Len(t, a.Actions, MaxActions)
				case "at most MaxOptions options":
					require.Len(t, a.Actions, 1)
					assert.Len(t, a.Actions[0].Options, MaxOptions)
				default:
					assert.Equal(t, tc.actions[i], actionNames(a))
				}
				for _, act := range a.Actions {
					require.NoError(t, act.IsValid(), "the server accepts the action")
					assert.Regexp(t, `^[A-Za-z0-9]+$`, act.Id, "the server's action route accepts the ID")
					raw, _ := act.Integration.Context[ContextKey].(string)
					got, err := signer.Open(raw)
					require.NoError(t, err)
					assert.Equal(t, apps.AppID("hello"), got.AppID)
					_, b, ok := Find(decodeBindings(t, tc.raw), "hello", got.Location)
					require.True(t, ok, "the signed location %q names the binding", got.Location)
					assert.Equal(t, Digest(b), got.Digest)
				}
			}
		})
	}
}

func TestRenderClipsLongTexts(t *testing.T) {
	r, _ := testRenderer(t)
	long := strings.Repeat("é", 5000)
	raw := fmt.Sprintf(`[{"location":"a","label":%q,"description":%q,"bindings":[{"location":"b","label":%q,"submit":"/b"},
		{"location":"s","submit":"/s","bindings":[{"location":"o","label":%q}]}]}]`, long, long, long, long)
	out := r.Render(App{ID: "hello", Name: "Hello"}, "", decodeBindings(t, raw))
	require.Len(t, out.Attachments, 1)
	a := out.Attachments[0]
	assert.Equal(t, MaxTitleRunes, utf8.RuneCountInString(a.Title))
	assert.Equal(t, MaxTextRunes, utf8.RuneCountInString(a.Text))
	assert.True(t, strings.HasSuffix(a.Title, "…"))
	require.Len(t, a.Actions, 2)
	assert.Equal(t, MaxLabelRunes, utf8.RuneCountInString(a.Actions[0].Name))
	assert.Equal(t, MaxLabelRunes, utf8.RuneCountInString(a.Actions[1].Options[0].Text))
}

func TestDecodeRefusesWhatIsNotBindings(t *testing.T) {
	_, err := Decode("not a list")
	assert.ErrorContains(t, err, "not a list of bindings")
	b, err := Decode(nil)
	assert.NoError(t, err)
	assert.Empty(t, b)
}

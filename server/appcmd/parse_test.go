package appcmd

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
)

const treeJSON = `{"label":"hello","location":"hello","bindings":[
  {"label":"greet","location":"greet","description":"Greets you","form":{
    "submit":{"path":"/greet"},
    "fields":[
      {"name":"name","type":"text","label":"name","position":1},
      {"name":"loud","type":"bool","label":"loud"},
      {"name":"count","type":"text","subtype":"number","label":"count"},
      {"name":"lang","type":"static_select","label":"lang","options":[{"label":"English","value":"en"},{"label":"Deutsch","value":"de"}]},
      {"name":"to","type":"user","label":"to"},
      {"name":"where","type":"channel","label":"where"},
      {"name":"langs","type":"static_select","label":"langs","multiselect":true,"options":[{"label":"English","value":"en"},{"label":"Deutsch","value":"de"}]},
      {"name":"cc","type":"user","label":"cc","multiselect":true},
      {"name":"topic","type":"dynamic_select","label":"topic"},
      {"name":"note","type":"markdown"}]}},
  {"label":"note","location":"note","form":{"submit":{"path":"/note"},"fields":[
      {"name":"title","label":"title","is_required":true,"position":1},
      {"name":"text","label":"text","position":-1}]}},
  {"label":"survey","location":"survey","submit":{"path":"/survey/form"}},
  {"label":"admin","location":"admin","bindings":[{"label":"reset","location":"reset","submit":{"path":"/reset"}}]}
]}`

type fakeResolver struct{}

func (fakeResolver) UserID(name string) (string, error) {
	if name == "ada" {
		return "uid-ada", nil
	}
	return "", errors.New("nope")
}

func (fakeResolver) ChannelID(team, name string) (string, error) {
	if team == "t1" && name == "town-square" {
		return "cid-town", nil
	}
	return "", errors.New("nope")
}

func tree(t *testing.T) apps.Binding {
	t.Helper()
	var b apps.Binding
	require.NoError(t, json.Unmarshal([]byte(treeJSON), &b))
	return b
}

func parseLine(t *testing.T, line string) (*Parsed, error) {
	t.Helper()
	words, err := tokenize(line)
	require.NoError(t, err)
	return Parse(tree(t), words, "t1", fakeResolver{})
}

func TestParse(t *testing.T) {
	tests := []struct {
		line     string
		path     string
		location apps.Location
		values   map[string]any
	}{
		{"hello greet", "/greet", "/command/hello/greet", map[string]any{}},
		{"hello greet Ada", "/greet", "/command/hello/greet", map[string]any{"name": "Ada"}},
		{`HELLO Greet "Ada Lovelace" --loud`, "/greet", "/command/hello/greet", map[string]any{"name": "Ada Lovelace", "loud": true}},
		{"hello greet --loud false Ada", "/greet", "/command/hello/greet", map[string]any{"name": "Ada", "loud": false}},
		{"hello greet --name=Bob --count 3", "/greet", "/command/hello/greet", map[string]any{"name": "Bob", "count": "3"}},
		{"hello greet --lang deutsch", "/greet", "/command/hello/greet", map[string]any{"lang": apps.SelectOption{Label: "Deutsch", Value: "de"}}},
		{"hello greet --to @ada --where ~town-square", "/greet", "/command/hello/greet", map[string]any{
			"to": apps.SelectOption{Label: "@ada", Value: "uid-ada"}, "where": apps.SelectOption{Label: "~town-square", Value: "cid-town"}}},
		{"hello greet --langs en,deutsch", "/greet", "/command/hello/greet", map[string]any{"langs": []apps.SelectOption{{Label: "English", Value: "en"}, {Label: "Deutsch", Value: "de"}}}},
		{"hello greet --langs de --langs en", "/greet", "/command/hello/greet", map[string]any{"langs": []apps.SelectOption{{Label: "Deutsch", Value: "de"}, {Label: "English", Value: "en"}}}},
		{"hello greet --cc @ada", "/greet", "/command/hello/greet", map[string]any{"cc": []apps.SelectOption{{Label: "@ada", Value: "uid-ada"}}}},
		{"hello greet --topic go", "/greet", "/command/hello/greet", map[string]any{"topic": apps.SelectOption{Label: "go", Value: "go"}}},
		{"hello greet 日本語", "/greet", "/command/hello/greet", map[string]any{"name": "日本語"}},
		{"hello note Title the rest of the line", "/note", "/command/hello/note", map[string]any{"title": "Title", "text": "the rest of the line"}},
		{"hello survey", "/survey/form", "/command/hello/survey", map[string]any{}},
		{"hello admin reset", "/reset", "/command/hello/admin/reset", map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			p, err := parseLine(t, tt.line)
			require.NoError(t, err)
			require.NotNil(t, p.Call)
			assert.Equal(t, tt.path, p.Call.Path)
			assert.Equal(t, tt.location, p.Location)
			assert.Equal(t, tt.values, p.Values)
		})
	}
}

func TestParseUsageErrors(t *testing.T) {
	tests := []struct {
		line, problem, usage string
	}{
		{"hello", "`/hello` needs a sub-command.", "- `greet`: Greets you"},
		{"hello nope", "`/hello` has no sub-command `nope`.", "Usage: `/hello <sub-command>`"},
		{"hello admin", "`/hello admin` needs a sub-command.", "- `reset`"},
		{"hello greet --shout", "unknown flag `--shout`", "Usage: `/hello greet [<name>]"},
		{"hello greet --count many", "`--count`: \"many\" is not a number", ""},
		{"hello greet --lang fr", "`--lang`: \"fr\" is not one of `en`, `de`", ""},
		{"hello greet --to @nobody", "no user @nobody", ""},
		{"hello greet --where ~secret", "no channel ~secret in this team", ""},
		{"hello greet a b", "unexpected `b`", ""},
		{"hello greet --langs en,fr", "`--langs`: \"fr\" is not one of", ""},
		{"hello greet --langs ,", "`--langs`: \",\" names no choice", ""},
		{"hello greet --cc @ada,@nobody", "no user @nobody", ""},
		{"hello greet --name a --name b", "given twice", ""},
		{"hello greet --name", "`--name` needs a value", ""},
		{"hello note", "missing required `--title`", "Usage: `/hello note <title> [<text>]`"},
		{"hello survey extra", "unexpected `extra`", ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := parseLine(t, tt.line)
			var ue *UsageError
			require.True(t, errors.As(err, &ue), "%v", err)
			assert.Contains(t, ue.Problem, tt.problem)
			assert.Contains(t, ue.Usage, tt.usage)
		})
	}
}

func BenchmarkParse(b *testing.B) {
	var top apps.Binding
	require.NoError(b, json.Unmarshal([]byte(treeJSON), &top))
	for range b.N {
		words, err := tokenize(`hello greet "Ada Lovelace" --loud --lang de --count 3`)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Parse(top, words, "t1", fakeResolver{}); err != nil {
			b.Fatal(err)
		}
	}
}

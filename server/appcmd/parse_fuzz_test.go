package appcmd

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/lambda-apps/lambda-apps/apps"
)

// tokenizeSpecial are the runes that tokenize treats specially outside
// quotes (besides spaces).
const tokenizeSpecial = `"'\“`

// fuzzSpaces separate words in generated command lines: ASCII and Unicode
// spaces, as keyboards and pasted text produce them.
var fuzzSpaces = []string{" ", "\t", "\n", "  ", "\u00a0", "\u2003", "\u3000", "\r\n", "\u0085", "\u2028"}

// quoteWord renders word so that tokenize reads it back as one word, in
// one of five styles: every rune escaped with '\', bare, 'single', "double"
// or “typographic” quotes. A style that cannot hold the word falls back to
// another. The empty word is always "".
func quoteWord(word string, style byte) string {
	if word == "" {
		return `""`
	}
	escape := func(special string) string {
		var b strings.Builder
		for _, r := range word {
			if strings.ContainsRune(special, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	switch style % 5 {
	case 1:
		if !strings.ContainsAny(word, tokenizeSpecial) && !strings.ContainsFunc(word, unicode.IsSpace) {
			return word
		}
	case 2:
		if !strings.Contains(word, "'") {
			return "'" + word + "'"
		}
	case 3:
		return `"` + escape(`"\`) + `"`
	case 4:
		return "“" + escape(`”\`) + "”"
	}
	var b strings.Builder
	for _, r := range word {
		b.WriteByte('\\')
		b.WriteRune(r)
	}
	return b.String()
}

// normalize is what tokenize makes of s: each byte that is not valid UTF-8
// becomes U+FFFD.
func normalize(s string) string { return string([]rune(s)) }

// FuzzTokenize checks tokenize on arbitrary command lines: no panic; an
// error only for a line with an open quote; a line without quotes or
// backslashes splits like strings.Fields (with Unicode spaces); and the
// words, quoted again, read back unchanged.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"a b  c", `greet "Ada Lovelace"`, `x 'single "inner"'`, `x "" y`, `x a\ b`, `x "es\"caped"`,
		`x 'no\escape'`, "x “smart quotes”", "grüße  日本語\u00a0tab\tend", `--flag=val "a b"c`, `x "open`, `trailing\`,
		"bad \xff utf8", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := tokenize(line)
		if err != nil {
			if !strings.ContainsAny(line, `"'“`) {
				t.Fatalf("%q: %v, but the line has no quote", line, err)
			}
			return
		}
		if !strings.ContainsAny(line, tokenizeSpecial) {
			if want := strings.FieldsFunc(normalize(line), unicode.IsSpace); !slices.Equal(words, want) {
				t.Fatalf("%q: %q, want %q", line, words, want)
			}
		}
		for style := range byte(5) {
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = quoteWord(w, style+byte(i))
			}
			again, err := tokenize(strings.Join(quoted, fuzzSpaces[int(style)%len(fuzzSpaces)]))
			if err != nil || !slices.Equal(again, words) {
				t.Fatalf("%q: words %q, quoted %q, read back as %q (%v)", line, words, quoted, again, err)
			}
		}
	})
}

// FuzzTokenizeQuoted builds a command line from words (separated by NUL in
// the input), each split in two parts quoted in different styles and
// written together, with various spaces between the words, and checks that
// tokenize reads back exactly the words.
func FuzzTokenizeQuoted(f *testing.F) {
	f.Add("greet\x00Ada Lovelace\x00--loud", []byte{0, 1, 2, 3, 4, 5})
	f.Add("\x00'\x00\"\x00\\\x00“”\x00a b", []byte{3, 7, 11, 2})
	f.Add("日本語\x00\xff\xfe\x00tab\there", []byte{4, 9, 1})
	f.Fuzz(func(t *testing.T, input string, styles []byte) {
		style := func(i int) byte {
			if len(styles) == 0 {
				return 0
			}
			return styles[i%len(styles)]
		}
		words := strings.Split(input, "\x00")
		if len(words) > 16 {
			words = words[:16]
		}
		var line strings.Builder
		want := make([]string, len(words))
		for i, w := range words {
			runes := []rune(w)
			cut := int(style(3*i)) % (len(runes) + 1)
			head, tail := string(runes[:cut]), string(runes[cut:])
			want[i] = head + tail
			line.WriteString(fuzzSpaces[int(style(3*i+2))%len(fuzzSpaces)])
			var word string
			switch {
			case want[i] == "":
				word = `""`
			case head == "":
				word = quoteWord(tail, style(3*i+1))
			case tail == "":
				word = quoteWord(head, style(3*i+1))
			default:
				word = quoteWord(head, style(3*i+1)) + quoteWord(tail, style(3*i+2))
			}
			line.WriteString(word)
		}
		got, err := tokenize(line.String())
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("words %q as %q read back as %q (%v)", want, line.String(), got, err)
		}
	})
}

// fuzzUsers and fuzzChannels are the users and channels (of team t1) that
// fuzzResolver knows.
var (
	fuzzUsers    = map[string]string{"ada": "uid-ada", "bob": "uid-bob"}
	fuzzChannels = map[string]string{"town-square": "cid-town", "dev": "cid-dev"}
)

type fuzzResolver struct{}

func (fuzzResolver) UserID(name string) (string, error) {
	if id, ok := fuzzUsers[name]; ok {
		return id, nil
	}
	return "", errors.New("no such user")
}

func (fuzzResolver) ChannelID(teamID, name string) (string, error) {
	if id, ok := fuzzChannels[name]; teamID == "t1" && ok {
		return id, nil
	}
	return "", errors.New("no such channel")
}

var (
	fuzzLangs      = []apps.SelectOption{{Label: "English", Value: "en"}, {Label: "Deutsch", Value: "de"}, {Label: "Français", Value: "fr"}}
	fuzzPriorities = []apps.SelectOption{{Label: "Low", Value: "low"}, {Label: "Normal", Value: "normal"}, {Label: "High", Value: "high"}}
)

// fuzzCommand is a representative command: /fz with a sub-command "all"
// whose form has fields of every type (positional, rest of the line and
// named; single and multiselect; static and dynamic selects; a required
// field with a default; markdown and read-only fields that take no value),
// a nested sub-command, a form fetched from its source, and a plain submit.
func fuzzCommand() apps.Binding {
	return apps.Binding{Label: "fz", Location: "fz", Bindings: []apps.Binding{
		{Label: "all", Location: "all", Form: &apps.Form{Submit: &apps.Call{Path: "/all"}, Fields: []apps.Field{
			{Name: "title", Type: apps.FieldTypeText, Label: "title", Position: 1, IsRequired: true, MinLength: 1, MaxLength: 20},
			{Name: "target", Type: apps.FieldTypeUser, Label: "target", Position: 2},
			{Name: "body", Label: "body", Position: -1},
			{Name: "count", Type: apps.FieldTypeText, Subtype: apps.TextFieldSubtypeNumber, Label: "count"},
			{Name: "loud", Type: apps.FieldTypeBool, Label: "loud"},
			{Name: "lang", Type: apps.FieldTypeStaticSelect, Label: "lang", Options: fuzzLangs},
			{Name: "langs", Type: apps.FieldTypeStaticSelect, Label: "langs", Multiselect: true, Options: fuzzLangs},
			{Name: "priority", Type: apps.FieldTypeStaticSelect, Label: "priority", IsRequired: true, Value: fuzzPriorities[1], Options: fuzzPriorities},
			{Name: "topic", Type: apps.FieldTypeDynamicSelect, Label: "topic", Lookup: &apps.Call{Path: "/topics"}},
			{Name: "topics", Type: apps.FieldTypeDynamicSelect, Label: "topics", Multiselect: true, Lookup: &apps.Call{Path: "/topics"}},
			{Name: "cc", Type: apps.FieldTypeUser, Label: "cc", Multiselect: true},
			{Name: "where", Type: apps.FieldTypeChannel, Label: "where"},
			{Name: "also_in", Type: apps.FieldTypeChannel, Label: "also in", Multiselect: true},
			{Name: "note"},
			{Name: "help", Type: apps.FieldTypeMarkdown, Description: "**bold**"},
			{Name: "id", Type: apps.FieldTypeText, Label: "id", ReadOnly: true, Value: "fixed"},
		}}},
		{Label: "admin", Location: "admin", Bindings: []apps.Binding{
			{Label: "reset", Location: "reset", Submit: &apps.Call{Path: "/admin/reset"}},
			{Label: "purge", Location: "purge", Form: &apps.Form{Submit: &apps.Call{Path: "/admin/purge"}, Fields: []apps.Field{
				{Name: "yes", Type: apps.FieldTypeBool, Label: "yes", IsRequired: true},
			}}},
		}},
		{Label: "fetch", Location: "fetch", Form: &apps.Form{Source: &apps.Call{Path: "/fetch/form"}}},
		{Label: "go", Location: "go", Submit: &apps.Call{Path: "/go"}},
	}}
}

// FuzzParse parses arbitrary command lines against fuzzCommand. Parse must
// not panic and must refuse with a *UsageError; what it accepts must fit
// the binding (the sub-command typed, every value of its field's type and
// among the choices, required fields set); and the values, written back as
// --flag=value words, must parse to the same result.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"fz all hello", `FZ All "Ada Lovelace" @ada the rest of the line --loud`,
		"fz all t --loud false --count 3.5 --lang deutsch --langs en,FR --langs de --priority high",
		"fz all t --topic go --topics a,b,,c --cc @ada,bob --where ~town-square --also-in dev,~town-square",
		"fz all --title=x --target=@bob --body=rest --note=n --id=no", "fz all --title", "fz all t --help x",
		"fz all t --count 1e400 --lang fr --langs ,", "fz all t --priority=low --priority=high",
		"fz admin reset", "fz admin purge --yes", "fz admin", "fz fetch", "fz go extra", "other all",
	} {
		f.Add(s)
	}
	top := fuzzCommand()
	f.Fuzz(func(t *testing.T, line string) {
		words, err := tokenize(line)
		if err != nil {
			return
		}
		p, err := Parse(top, words, "t1", fuzzResolver{})
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) || ue.Problem == "" || p != nil {
				t.Fatalf("%q: %v, %#v", line, p, err)
			}
			return
		}
		checkParsed(t, top, words, p)
		checkWrittenBack(t, top, words, p)
	})
}

// checkWrittenBack writes the values of an accepted command line back as
// --flag=value words (the defaults of required fields left out) and checks
// that they parse to the same result.
func checkWrittenBack(t *testing.T, top apps.Binding, words []string, p *Parsed) {
	t.Helper()
	again := slices.Clone(words[:strings.Count(p.Path, " ")+1])
	if p.Form != nil {
		for _, f := range p.Form.Fields {
			if v, ok := p.Values[f.Name]; ok && (!f.IsRequired || !reflect.DeepEqual(v, f.Value)) {
				again = append(again, "--"+flagName(f)+"="+renderValue(t, f, v))
			}
		}
	}
	quoted := make([]string, len(again))
	for i, w := range again {
		quoted[i] = quoteWord(w, byte(i))
	}
	line := strings.Join(quoted, " ")
	if words2, err := tokenize(line); err != nil || !slices.Equal(words2, again) {
		t.Fatalf("%q: written back as %q, read as %q (%v)", words, again, words2, err)
	}
	p2, err := Parse(top, again, "t1", fuzzResolver{})
	if err != nil {
		t.Fatalf("%q: values written back as %q do not parse: %v", words, again, err)
	}
	if !reflect.DeepEqual(p, p2) {
		t.Fatalf("%q: parsed as\n%#v\nwritten back as %q, parsed as\n%#v", words, p, again, p2)
	}
}

// checkParsed checks that an accepted command line fits the binding.
func checkParsed(t *testing.T, top apps.Binding, words []string, p *Parsed) {
	t.Helper()
	typed := strings.Fields(p.Path)
	if len(typed) > len(words) || !strings.EqualFold("/"+words[0], typed[0]) {
		t.Fatalf("%q: path %q", words, p.Path)
	}
	b, loc := top, apps.LocationCommand.Sub(top.Location)
	for i, label := range typed[1:] {
		if !strings.EqualFold(words[i+1], label) {
			t.Fatalf("%q: path %q", words, p.Path)
		}
		sub, ok := findSub(b.Bindings, label)
		if !ok {
			t.Fatalf("%q: path %q has no binding", words, p.Path)
		}
		b, loc = sub, loc.Sub(sub.Location)
	}
	if len(b.Bindings) > 0 || loc != p.Location || !reflect.DeepEqual(b, p.Binding) || p.Form != b.Form {
		t.Fatalf("%q: binding %q at %q, want the leaf %q at %q", words, p.Binding.Label, p.Location, b.Label, loc)
	}
	switch {
	case b.Submit != nil:
		if p.Call != b.Submit {
			t.Fatalf("%q: call %v, want the binding's submit", words, p.Call)
		}
	case b.Form != nil && b.Form.Submit != nil:
		if p.Call != b.Form.Submit {
			t.Fatalf("%q: call %v, want the form's submit", words, p.Call)
		}
	case p.Call != nil:
		t.Fatalf("%q: call %v for a binding without submit", words, p.Call)
	}
	var fields []apps.Field
	if b.Form != nil {
		fields = b.Form.Fields
	}
	for name, v := range p.Values {
		i := slices.IndexFunc(fields, func(f apps.Field) bool { return f.Name == name })
		if i < 0 {
			t.Fatalf("%q: value %q for no field", words, name)
		}
		f := fields[i]
		if f.IsRequired && f.Type != apps.FieldTypeMarkdown && reflect.DeepEqual(v, f.Value) {
			continue // the default of a required field
		}
		if f.Type == apps.FieldTypeMarkdown || f.ReadOnly {
			t.Fatalf("%q: value %v for the %s field %q, which takes none", words, v, f.Type, name)
		}
		checkValue(t, words, f, v)
	}
	for _, f := range fields {
		if _, set := p.Values[f.Name]; f.IsRequired && f.Type != apps.FieldTypeMarkdown && !set {
			t.Fatalf("%q: required %q not set", words, f.Name)
		}
	}
}

// checkValue checks that v is a value of field f.
func checkValue(t *testing.T, words []string, f apps.Field, v any) {
	t.Helper()
	if isMulti(f) {
		list, ok := v.([]apps.SelectOption)
		if !ok || len(list) == 0 {
			t.Fatalf("%q: %q is %#v, want choices", words, f.Name, v)
		}
		single := f
		single.Multiselect = false
		for _, o := range list {
			checkValue(t, words, single, o)
		}
		return
	}
	bad := func() { t.Helper(); t.Fatalf("%q: %s field %q is %#v", words, cmp.Or(f.Type, "text"), f.Name, v) }
	switch f.Type {
	case apps.FieldTypeBool:
		if _, ok := v.(bool); !ok {
			bad()
		}
	case apps.FieldTypeStaticSelect:
		if o, ok := v.(apps.SelectOption); !ok || !slices.Contains(f.Options, o) {
			bad()
		}
	case apps.FieldTypeDynamicSelect:
		if o, ok := v.(apps.SelectOption); !ok || o.Value != o.Label {
			bad()
		}
	case apps.FieldTypeUser:
		o, ok := v.(apps.SelectOption)
		if !ok || !strings.HasPrefix(o.Label, "@") || fuzzUsers[o.Label[1:]] != o.Value {
			bad()
		}
	case apps.FieldTypeChannel:
		o, ok := v.(apps.SelectOption)
		if !ok || !strings.HasPrefix(o.Label, "~") || fuzzChannels[o.Label[1:]] != o.Value {
			bad()
		}
	default:
		s, ok := v.(string)
		if !ok {
			bad()
		}
		if f.Subtype == apps.TextFieldSubtypeNumber {
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				bad()
			}
		}
		if n := len([]rune(s)); f.MinLength > 0 && n < f.MinLength || f.MaxLength > 0 && n > f.MaxLength {
			bad()
		}
	}
}

// renderValue writes a parsed value as the text of a --flag=value word.
func renderValue(t *testing.T, f apps.Field, v any) string {
	t.Helper()
	one := func(o apps.SelectOption) string {
		switch f.Type {
		case apps.FieldTypeUser, apps.FieldTypeChannel:
			return o.Label // @name, ~name
		}
		return o.Value
	}
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	case apps.SelectOption:
		return one(v)
	case []apps.SelectOption:
		parts := make([]string, len(v))
		for i, o := range v {
			parts[i] = one(o)
		}
		return strings.Join(parts, ",")
	}
	t.Fatalf("value %#v of %q", v, f.Name)
	return ""
}

// fuzzForm builds a form from spec, four bytes per field (at most eight
// fields). Names and labels come from small sets so that fields share names
// and flags, as nothing stops an app's bindings from doing.
func fuzzForm(spec []byte) *apps.Form {
	names := []string{"a", "b", "c", "A"}
	labels := []string{"", "a", "b", "x y", "X-Y", "c"}
	types := []apps.FieldType{"", apps.FieldTypeText, apps.FieldTypeBool, apps.FieldTypeStaticSelect,
		apps.FieldTypeDynamicSelect, apps.FieldTypeUser, apps.FieldTypeChannel, apps.FieldTypeMarkdown}
	positions := []int{0, 0, 1, 2, -1, 1}
	form := &apps.Form{Submit: &apps.Call{Path: "/x"}}
	for i := 0; i+4 <= len(spec) && len(form.Fields) < 8; i += 4 {
		b0, b1, b2, b3 := spec[i], spec[i+1], spec[i+2], spec[i+3]
		f := apps.Field{
			Name:        names[b0%4],
			Type:        types[(b0>>2)%8],
			Label:       labels[int(b1)%len(labels)],
			Position:    positions[int(b1>>4)%len(positions)],
			Multiselect: b2&1 != 0,
			IsRequired:  b2&2 != 0,
			ReadOnly:    b2&4 != 0,
			MinLength:   int(b3 % 4),
			MaxLength:   int(b3>>2) % 8,
			Options:     []apps.SelectOption{{Label: "One", Value: "1"}, {Label: "Two", Value: "2"}},
		}
		if b2&8 != 0 {
			f.Value = "default"
		}
		if b2&16 != 0 {
			f.Subtype = apps.TextFieldSubtypeNumber
		}
		form.Fields = append(form.Fields, f)
	}
	return form
}

// FuzzParseFields parses command lines against fuzzed forms (see
// fuzzForm), such as two fields with the same name or flag. Parse must not
// panic, must refuse with a *UsageError, and what it accepts sets only
// fields of the form and every required one. When each field has its own
// name and flag, the values must also pass FuzzParse's checks.
func FuzzParseFields(f *testing.F) {
	f.Add([]byte{0x00, 0x01, 0x00, 0x00, 0x09, 0x02, 0x01, 0x00}, "fz x --a hi --b 1")
	f.Add([]byte{0x04, 0x21, 0x02, 0x05, 0x19, 0x43, 0x09, 0x00}, "fz x word --x-y @ada")
	f.Add([]byte{0x0c, 0x10, 0x01, 0x00, 0x1c, 0x20, 0x1a, 0x00}, "fz x 1,2 --b ~dev")
	f.Fuzz(func(t *testing.T, spec []byte, line string) {
		form := fuzzForm(spec)
		top := apps.Binding{Label: "fz", Location: "fz", Bindings: []apps.Binding{{Label: "x", Location: "x", Form: form}}}
		words, err := tokenize(line)
		if err != nil {
			return
		}
		p, err := Parse(top, words, "t1", fuzzResolver{})
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) || ue.Problem == "" || p != nil {
				t.Fatalf("%q: %v, %#v", line, p, err)
			}
			return
		}
		for name := range p.Values {
			if !slices.ContainsFunc(form.Fields, func(f apps.Field) bool { return f.Name == name }) {
				t.Fatalf("%q: value for %q, which is no field", line, name)
			}
		}
		for _, f := range form.Fields {
			if _, set := p.Values[f.Name]; f.IsRequired && f.Type != apps.FieldTypeMarkdown && !set {
				t.Fatalf("%q: required %q not set", line, f.Name)
			}
		}
		// With one field per name and per flag, the values are
		// attributable: check them as FuzzParse does.
		names, flags := map[string]bool{}, map[string]bool{}
		for _, f := range form.Fields {
			names[f.Name], flags[strings.ToLower(flagName(f))] = true, true
		}
		if len(names) == len(form.Fields) && len(flags) == len(form.Fields) {
			checkParsed(t, top, words, p)
			checkWrittenBack(t, top, words, p)
		}
	})
}

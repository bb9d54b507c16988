package appcmd

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
)

// UsageError is a command line that does not fit the app's command: it is
// shown to the user with the usage, and the app is not called.
type UsageError struct {
	Problem string
	Usage   string
}

func (e *UsageError) Error() string {
	if e.Usage == "" {
		return e.Problem
	}
	return e.Problem + "\n\n" + e.Usage
}

// Resolver turns user and channel names into IDs.
type Resolver interface {
	UserID(name string) (string, error)
	ChannelID(teamID, name string) (string, error)
}

// Parsed is a command line matched against the bindings.
type Parsed struct {
	Binding  apps.Binding  // the sub-command that was run
	Location apps.Location // its full location, e.g. /command/hello/greet
	Path     string        // the typed sub-command path, e.g. "/hello greet"
	Call     *apps.Call    // the call to make (nil: fetch Form.Source)
	Form     *apps.Form
	Values   map[string]any
}

// Parse matches words (the command line without the leading slash) against
// a top-level command binding.
func Parse(top apps.Binding, words []string, teamID string, res Resolver) (*Parsed, error) {
	if len(words) == 0 || !strings.EqualFold(words[0], top.Label) {
		return nil, &UsageError{Problem: "This command does not belong to this app."}
	}
	b := top
	loc := apps.LocationCommand.Sub(top.Location)
	typed := "/" + top.Label
	rest := words[1:]
	for len(b.Bindings) > 0 {
		if len(rest) == 0 {
			return nil, &UsageError{Problem: fmt.Sprintf("`%s` needs a sub-command.", typed), Usage: usage(typed, b)}
		}
		next, ok := findSub(b.Bindings, rest[0])
		if !ok {
			return nil, &UsageError{Problem: fmt.Sprintf("`%s` has no sub-command `%s`.", typed, rest[0]), Usage: usage(typed, b)}
		}
		b = next
		loc = loc.Sub(b.Location)
		typed += " " + b.Label
		rest = rest[1:]
	}
	p := &Parsed{Binding: b, Location: loc, Path: typed, Form: b.Form, Values: map[string]any{}}
	switch {
	case b.Submit != nil:
		p.Call = b.Submit
	case b.Form != nil && b.Form.Submit != nil:
		p.Call = b.Form.Submit
	}
	var fields []apps.Field
	if b.Form != nil {
		fields = b.Form.Fields
	}
	if err := parseFields(p, fields, rest, teamID, res); err != nil {
		return nil, &UsageError{Problem: err.Error(), Usage: usage(typed, b)}
	}
	return p, nil
}

func findSub(subs []apps.Binding, word string) (apps.Binding, bool) {
	for _, s := range subs {
		if strings.EqualFold(s.Label, word) {
			return s, true
		}
	}
	return apps.Binding{}, false
}

func flagName(f apps.Field) string {
	if f.Label != "" {
		return strings.ReplaceAll(f.Label, " ", "-")
	}
	return f.Name
}

func parseFields(p *Parsed, fields []apps.Field, words []string, teamID string, res Resolver) error {
	byFlag := map[string]apps.Field{}
	var positional []apps.Field
	var rest *apps.Field
	for i, f := range fields {
		if f.Type == apps.FieldTypeMarkdown || f.ReadOnly {
			continue
		}
		byFlag[strings.ToLower(flagName(f))] = f
		switch {
		case f.Position > 0:
			positional = append(positional, f)
		case f.Position == -1:
			rest = &fields[i]
		}
	}
	sort.SliceStable(positional, func(i, j int) bool { return positional[i].Position < positional[j].Position })

	var loose []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "--") || w == "--" {
			loose = append(loose, w)
			continue
		}
		name, val, hasVal := strings.Cut(w[2:], "=")
		f, ok := byFlag[strings.ToLower(name)]
		if !ok {
			return fmt.Errorf("unknown flag `--%s`", name)
		}
		prev, dup := p.Values[f.Name]
		// prev may be another field's value: apps can give two fields one name.
		prevChoices, prevMulti := prev.([]apps.SelectOption)
		if dup && (!isMulti(f) || !prevMulti) {
			return fmt.Errorf("`--%s` is given twice", name)
		}
		if !hasVal {
			if f.Type == apps.FieldTypeBool && (i+1 >= len(words) || !isBoolWord(words[i+1])) {
				val = "true"
			} else if i+1 < len(words) {
				i++
				val = words[i]
			} else {
				return fmt.Errorf("`--%s` needs a value", name)
			}
		}
		v, err := convertValue(f, val, teamID, res)
		if err != nil {
			return fmt.Errorf("`--%s`: %w", name, err)
		}
		if dup { // a multiselect flag given again adds its choices
			v = append(prevChoices, v.([]apps.SelectOption)...)
		}
		p.Values[f.Name] = v
	}

	for _, f := range positional {
		if _, set := p.Values[f.Name]; set || len(loose) == 0 {
			continue
		}
		v, err := convertValue(f, loose[0], teamID, res)
		if err != nil {
			return fmt.Errorf("`%s`: %w", flagName(f), err)
		}
		p.Values[f.Name] = v
		loose = loose[1:]
	}
	if rest != nil && len(loose) > 0 {
		if _, set := p.Values[rest.Name]; !set {
			v, err := convertValue(*rest, strings.Join(loose, " "), teamID, res)
			if err != nil {
				return fmt.Errorf("`%s`: %w", flagName(*rest), err)
			}
			p.Values[rest.Name] = v
			loose = nil
		}
	}
	if len(loose) > 0 {
		return fmt.Errorf("unexpected `%s`", strings.Join(loose, " "))
	}

	var missing []string
	for _, f := range fields {
		if _, set := p.Values[f.Name]; !set && f.IsRequired && f.Type != apps.FieldTypeMarkdown {
			if f.Value != nil {
				p.Values[f.Name] = f.Value
				continue
			}
			missing = append(missing, "`--"+flagName(f)+"`")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing required %s", strings.Join(missing, ", "))
	}
	return nil
}

func isBoolWord(s string) bool {
	_, err := strconv.ParseBool(s)
	return err == nil
}

// isMulti reports whether a field takes several choices.
func isMulti(f apps.Field) bool {
	switch f.Type {
	case apps.FieldTypeStaticSelect, apps.FieldTypeDynamicSelect, apps.FieldTypeUser, apps.FieldTypeChannel:
		return f.Multiselect
	}
	return false
}

// convertValue converts a typed value; a multiselect takes a
// comma-separated list and gives a list of choices.
func convertValue(f apps.Field, val, teamID string, res Resolver) (any, error) {
	if !isMulti(f) {
		return convert(f, val, teamID, res)
	}
	var out []apps.SelectOption
	for _, part := range strings.Split(val, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		v, err := convert(f, part, teamID, res)
		if err != nil {
			return nil, err
		}
		out = append(out, v.(apps.SelectOption))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q names no choice", val)
	}
	return out, nil
}

func convert(f apps.Field, val, teamID string, res Resolver) (any, error) {
	switch f.Type {
	case apps.FieldTypeBool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", val)
		}
		return b, nil
	case apps.FieldTypeStaticSelect:
		for _, o := range f.Options {
			if strings.EqualFold(o.Value, val) || strings.EqualFold(o.Label, val) {
				return apps.SelectOption{Label: o.Label, Value: o.Value}, nil
			}
		}
		var choices []string
		for _, o := range f.Options {
			choices = append(choices, "`"+o.Value+"`")
		}
		return nil, fmt.Errorf("%q is not one of %s", val, strings.Join(choices, ", "))
	case apps.FieldTypeDynamicSelect:
		return apps.SelectOption{Label: val, Value: val}, nil
	case apps.FieldTypeUser:
		name := strings.TrimPrefix(val, "@")
		id, err := res.UserID(name)
		if err != nil {
			return nil, fmt.Errorf("no user @%s", name)
		}
		return apps.SelectOption{Label: "@" + name, Value: id}, nil
	case apps.FieldTypeChannel:
		name := strings.TrimPrefix(val, "~")
		id, err := res.ChannelID(teamID, name)
		if err != nil {
			return nil, fmt.Errorf("no channel ~%s in this team", name)
		}
		return apps.SelectOption{Label: "~" + name, Value: id}, nil
	}
	// Text.
	if f.Subtype == apps.TextFieldSubtypeNumber {
		if _, err := strconv.ParseFloat(val, 64); err != nil {
			return nil, fmt.Errorf("%q is not a number", val)
		}
	}
	if n := len([]rune(val)); (f.MinLength > 0 && n < f.MinLength) || (f.MaxLength > 0 && n > f.MaxLength) {
		return nil, fmt.Errorf("must be %d to %d characters long", f.MinLength, max(f.MaxLength, f.MinLength))
	}
	return val, nil
}

// usage describes a binding's sub-commands or flags.
func usage(typed string, b apps.Binding) string {
	var s strings.Builder
	if len(b.Bindings) > 0 {
		fmt.Fprintf(&s, "Usage: `%s <sub-command>`", typed)
		for _, sub := range b.Bindings {
			fmt.Fprintf(&s, "\n- `%s`", sub.Label)
			if d := cmp.Or(sub.Description, sub.Hint); d != "" {
				s.WriteString(": " + d)
			}
		}
		return s.String()
	}
	line := typed
	var details []string
	if b.Form != nil {
		for _, f := range b.Form.Fields {
			if f.Type == apps.FieldTypeMarkdown || f.ReadOnly {
				continue
			}
			arg := "--" + flagName(f) + " " + cmp.Or(f.Hint, "<"+cmp.Or(string(f.Type), "text")+">")
			if f.Position != 0 {
				arg = cmp.Or(f.Hint, "<"+flagName(f)+">")
			}
			if !f.IsRequired {
				arg = "[" + arg + "]"
			}
			line += " " + arg
			if f.Description != "" {
				details = append(details, fmt.Sprintf("- `%s`: %s", flagName(f), f.Description))
			}
		}
	}
	s.WriteString("Usage: `" + line + "`")
	for _, d := range details {
		s.WriteString("\n" + d)
	}
	return s.String()
}

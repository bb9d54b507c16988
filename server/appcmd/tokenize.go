// Package appcmd runs apps' slash commands server-side: it registers one
// Mattermost command per top-level /command binding, parses what the user
// typed against the app's bindings (sub-commands, --flags, positional
// fields), calls the app and renders its answer (ephemeral post from the
// app's bot, interactive dialog for forms, navigation).
package appcmd

import (
	"errors"
	"strings"
	"unicode"
)

// errUnclosedQuote is returned for a command line with an open quote.
var errUnclosedQuote = errors.New("a quote is not closed")

// tokenize splits a command line into words. Double or single quotes group
// words (and may be empty: ""), a backslash escapes the next character
// outside single quotes, and any Unicode space separates words.
func tokenize(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped, inWord = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == '“': // typographic quotes from mobile keyboards
			quote, inWord = '”', true
		case unicode.IsSpace(r):
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errUnclosedQuote
	}
	if escaped {
		cur.WriteRune('\\')
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

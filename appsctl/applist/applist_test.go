package applist

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestListed(t *testing.T) {
	e := func(id, v string) Entry { return Entry{AppID: id, Version: v, Key: id + "_" + v} }
	tests := []struct {
		name string
		in   []Entry
		want []Entry
	}{
		{name: "empty", in: nil, want: []Entry{}},
		{name: "highest semantic version per app, sorted by app ID", in: []Entry{
			e("b.app", "1.9.0"), e("a.app", "v2"), e("b.app", "1.10.0"), e("a.app", "v1.5"),
		}, want: []Entry{e("a.app", "v2"), e("b.app", "1.10.0")}},
		{name: "a semantic version beats a non-semantic one", in: []Entry{e("a", "latest"), e("a", "0.0.1")},
			want: []Entry{e("a", "0.0.1")}},
		{name: "pre-release is lower than the release", in: []Entry{e("a", "1.0.0"), e("a", "1.0.0-rc1")},
			want: []Entry{e("a", "1.0.0")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Listed(tt.in))
		})
	}
}

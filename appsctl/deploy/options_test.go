package deploy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEnv(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    map[string]string
		wantErr []string
	}{
		{name: "nothing", in: nil, want: map[string]string{}},
		{name: "one pair", in: []string{"A=1"}, want: map[string]string{"A": "1"}},
		{name: "comma separated", in: []string{"A=1,B_2=two"}, want: map[string]string{"A": "1", "B_2": "two"}},
		{name: "repeated flag", in: []string{"A=1", "B=2"}, want: map[string]string{"A": "1", "B": "2"}},
		{name: "comma inside a value", in: []string{"URLS=a,b,C=d"}, want: map[string]string{"URLS": "a,b", "C": "d"}},
		{name: "equals inside a value", in: []string{"Q=a=b"}, want: map[string]string{"Q": "a=b"}},
		{name: "empty value", in: []string{"A="}, want: map[string]string{"A": ""}},
		{name: "no equals", in: []string{"FOO"}, wantErr: []string{`"FOO": expected KEY=VALUE`}},
		{name: "empty key", in: []string{"=1"}, wantErr: []string{"expected KEY=VALUE"}},
		{name: "bad name", in: []string{"1A=x"}, wantErr: []string{`"1A" is not a valid Lambda variable name`}},
		{name: "reserved", in: []string{"AWS_REGION=x"}, wantErr: []string{"AWS_REGION is reserved by Lambda"}},
		{name: "duplicate", in: []string{"A=1", "A=2"}, wantErr: []string{"A is given more than once"}},
		{name: "all problems at once", in: []string{"X", "AWS_REGION=1"}, wantErr: []string{"expected KEY=VALUE", "reserved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnv(tt.in)
			if len(tt.wantErr) > 0 {
				require.Error(t, err)
				for _, s := range tt.wantErr {
					assert.Contains(t, err.Error(), s)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	valid := Options{BundlePath: "b.zip"}.withDefaults()
	require.NoError(t, valid.Validate())
	assert.Equal(t, int32(30), valid.Timeout)
	assert.Equal(t, int32(128), valid.Memory)
	assert.Equal(t, "x86_64", valid.Architecture)

	tests := []struct {
		name    string
		edit    func(*Options)
		wantErr string
	}{
		{"timeout too low", func(o *Options) { o.Timeout = -1 }, "--timeout -1 is out of range"},
		{"timeout too high", func(o *Options) { o.Timeout = 901 }, "1 to 900 seconds"},
		{"memory too low", func(o *Options) { o.Memory = 64 }, "--memory 64 is out of range"},
		{"memory too high", func(o *Options) { o.Memory = 10241 }, "128 to 10240 MB"},
		{"architecture", func(o *Options) { o.Architecture = "aarch64" }, "use x86_64 or arm64"},
		{"no bundle", func(o *Options) { o.BundlePath = "" }, "no bundle"},
		{"arm64 is fine", func(o *Options) { o.Architecture = "arm64" }, ""},
		{"limits are inclusive", func(o *Options) { o.Timeout, o.Memory = 900, 10240 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid
			tt.edit(&o)
			err := o.Validate()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestContentType(t *testing.T) {
	tests := map[string]string{
		"photo.png":           "image/png",
		"img/Logo.SVG":        "image/svg+xml",
		"some.json":           "application/json",
		"file with space.txt": "text/plain; charset=utf-8",
		"app.js":              "text/javascript; charset=utf-8",
		"index.html":          "text/html; charset=utf-8",
		"font.woff2":          "font/woff2",
		"noextension":         "application/octet-stream",
		"archive.unknownext":  "application/octet-stream",
	}
	for name, want := range tests {
		assert.Equal(t, want, ContentType(name), name)
	}
}

package gomigrate

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/internal/testzip"
)

func TestInspect(t *testing.T) {
	plainAMD := buildBinary(t, "plain", "amd64")
	plainARM := buildBinary(t, "plain", "arm64")
	lambdaAMD := buildBinary(t, "lambdamain", "amd64")
	lambdaARM := buildBinary(t, "lambdamain", "arm64")
	oldLambda, oldVersion := withLambdaGo(t, lambdaAMD)
	noBuildInfo := bytes.ReplaceAll(plainAMD, []byte("\xff Go buildinf:"), []byte("\xff No buildinf:"))
	i386 := buildBinary(t, "plain", "386")
	const h = "mattermost-app-servicenow"
	other := testzip.Entry{Name: "config.json", Data: []byte(`{"a":1}`)}

	tests := []struct {
		name     string
		pkg      []byte
		handler  string
		want     Outcome
		arch     string
		lambdaGo string // "-" for any non-empty version
		contains string // in Note (Migratable) or Reason
	}{
		{name: "plain amd64 binary", pkg: testzip.Build(t, other, testzip.Entry{Name: h, Data: plainAMD, Mode: 0o755}), handler: h,
			want: Migratable, arch: "x86_64", contains: "does not list github.com/aws/aws-lambda-go"},
		{name: "plain arm64 binary", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: plainARM}), handler: h,
			want: Migratable, arch: "arm64", contains: "does not list"},
		{name: "aws-lambda-go amd64", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: lambdaAMD, Mode: 0o755}), handler: h,
			want: Migratable, arch: "x86_64", lambdaGo: "-"},
		{name: "aws-lambda-go arm64", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: lambdaARM}), handler: h,
			want: Migratable, arch: "arm64", lambdaGo: "-"},
		{name: "aws-lambda-go before v1.18.0", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: oldLambda}), handler: h,
			want: RPCOnly, arch: "x86_64", lambdaGo: oldVersion, contains: "built with github.com/aws/aws-lambda-go " + oldVersion},
		{name: "unreadable build information", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: noBuildInfo}), handler: h,
			want: Migratable, arch: "x86_64", contains: "build information cannot be read"},
		{name: "handler in a folder, ./ prefix", pkg: testzip.Build(t, testzip.Entry{Name: "./bin/app", Data: lambdaAMD}), handler: "bin/app",
			want: Migratable, arch: "x86_64", lambdaGo: "-"},
		{name: "handler is bootstrap", pkg: testzip.Build(t, testzip.Entry{Name: Bootstrap, Data: lambdaAMD}), handler: Bootstrap,
			want: Migratable, arch: "x86_64", lambdaGo: "-"},
		{name: "same bootstrap already there", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: plainAMD}, testzip.Entry{Name: Bootstrap, Data: plainAMD}), handler: h,
			want: Migratable, arch: "x86_64", contains: "does not list"},
		{name: "different bootstrap already there", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: plainAMD}, testzip.Entry{Name: Bootstrap, Data: plainARM}), handler: h,
			want: Unsuitable, contains: "already has a bootstrap that differs"},
		{name: "bootstrap folder", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: plainAMD}, testzip.Entry{Name: "bootstrap/x", Data: []byte("x")}), handler: h,
			want: Unsuitable, contains: "not a plain file"},
		{name: "missing handler (fixture stub)", pkg: testzip.Build(t, testzip.Entry{Name: "manifest.json", Data: []byte("{}")}), handler: h,
			want: Unsuitable, contains: `no file named "mattermost-app-servicenow"`},
		{name: "handler is not ELF", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: []byte("#!/bin/sh\necho hi\n")}), handler: h,
			want: Unsuitable, contains: "is not an ELF executable"},
		{name: "32-bit x86 binary", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: i386}), handler: h,
			want: Unsuitable, contains: "which Lambda does not run"},
		{name: "handler names a folder", pkg: testzip.Build(t, testzip.Entry{Name: h + "/", Data: nil}), handler: h,
			want: Unsuitable, contains: "no file named"},
		{name: "handler leaves the folder", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: plainAMD}), handler: "../" + h,
			want: Unsuitable, contains: "is not a file name"},
		{name: "empty handler", pkg: testzip.Build(t, testzip.Entry{Name: h, Data: plainAMD}), handler: "",
			want: Unsuitable, contains: "is not a file name"},
		{name: "not a zip", pkg: []byte("not checked"), handler: h,
			want: Unsuitable, contains: "not a zip archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := inspect(t, tt.pkg, tt.handler)
			assert.Equal(t, tt.want, plan.Outcome, "%+v", plan)
			assert.Equal(t, tt.want == Migratable, plan.Migrate())
			assert.Equal(t, tt.handler, plan.Handler)
			assert.Equal(t, tt.arch, plan.Architecture)
			switch tt.lambdaGo {
			case "":
				assert.Empty(t, plan.LambdaGo)
			case "-":
				older, known := olderThanMin(plan.LambdaGo)
				assert.True(t, known && !older, "version %q", plan.LambdaGo)
			default:
				assert.Equal(t, tt.lambdaGo, plan.LambdaGo)
			}
			text := plan.Reason
			if tt.want == Migratable {
				text = plan.Note
				assert.Empty(t, plan.Reason)
			}
			if tt.contains == "" {
				assert.Empty(t, text)
			} else {
				assert.Contains(t, text, tt.contains)
			}
		})
	}
}

func TestInspectCorruptHandler(t *testing.T) {
	pkg := testzip.Build(t, testzip.Entry{Name: "h", Data: bytes.Repeat([]byte("x"), 1000)})
	// Flip a byte of the stored data: the CRC-32 no longer matches.
	i := bytes.Index(pkg, []byte("xxxx"))
	require.Positive(t, i)
	pkg[i] = 'y'
	_, err := Inspect(bytes.NewReader(pkg), int64(len(pkg)), "h")
	require.ErrorContains(t, err, `read "h" from the package`)
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b  string
		want  int
		known bool
	}{
		{"v1.18.0", "v1.18.0", 0, true},
		{"v1.17.1", "v1.18.0", -1, true},
		{"v1.6.0", "v1.18.0", -1, true},
		{"v1.18.1", "v1.18.0", 1, true},
		{"v1.55.1", "v1.18.0", 1, true},
		{"v2.0.0", "v1.99.99", 1, true},
		{"v0.9.0", "v1.0.0", -1, true},
		{"v1.18.0-rc1", "v1.18.0", -1, true},
		{"v1.18.0", "v1.18.0-rc1", 1, true},
		{"v1.18.0-rc1", "v1.18.0-rc2", -1, true},
		{"v1.17.1-0.20200527181019-a30b1bfe0ea1", "v1.18.0", -1, true}, // pseudo-version after v1.17.0
		{"v1.18.1-0.20200601000000-abcdefabcdef", "v1.18.0", 1, true},  // pseudo-version after v1.18.0
		{"v1.18.0+incompatible", "v1.18.0", 0, true},
		{"(devel)", "v1.18.0", 0, false},
		{"", "v1.18.0", 0, false},
		{"1.18.0", "v1.18.0", 0, false},
		{"v1.18", "v1.18.0", 0, false},
		{"v1.x.0", "v1.18.0", 0, false},
		{"v01.18.0", "v1.18.0", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			got, known := compareVersions(tt.a, tt.b)
			assert.Equal(t, tt.known, known)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestOlderThanMin(t *testing.T) {
	tests := []struct {
		version      string
		older, known bool
	}{
		{"v1.13.3", true, true}, // the era of the old Apps framework
		{"v1.17.0", true, true},
		{"v1.18.0", false, true},
		{"v1.55.1", false, true},
		{"(devel)", false, false},
	}
	for _, tt := range tests {
		older, known := olderThanMin(tt.version)
		assert.Equal(t, tt.older, older, tt.version)
		assert.Equal(t, tt.known, known, tt.version)
	}
}

package bundle

import (
	"archive/zip"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// reader collects what Read finds in a bundle.
type reader struct {
	opts     options
	size     int64
	problems Error
	warnings []string

	manifestFile    *zip.File
	nestedManifests []string
	manifest        *apps.Manifest
	manifestData    []byte
	manifestValid   bool
	packages        []entry
	assets          []entry
	spans           []span
}

// span is where an entry's compressed data lies in the archive.
type span struct {
	start, end uint64
	name       string
}

// entry is a zip entry with its checked, cleaned name.
type entry struct {
	name string
	file *zip.File
}

// scan checks every entry's name and sizes and sorts the entries into
// manifest, function packages, static assets and ignored files.
func (rd *reader) scan(files []*zip.File) {
	seen := make(map[string]bool, len(files))
	var total uint64
	for _, f := range files {
		total += min(f.UncompressedSize64, MaxTotalSize+1)
		name, ok := rd.checkName(f.Name)
		if !ok {
			continue
		}
		dir := isDir(f)
		if !rd.checkSize(f, dir) || dir || name == "." {
			continue
		}
		if f.Mode()&fs.ModeType != 0 {
			rd.problems.addf(entrySubject(f.Name), "is a %s, not a regular file; bundles may only hold regular files",
				describeMode(f.Mode()))
			continue
		}
		if seen[name] {
			rd.problems.addf(entrySubject(f.Name), "appears more than once in the bundle; keep only one")
			continue
		}
		seen[name] = true
		rd.classify(entry{name: name, file: f})
	}
	if total > MaxTotalSize {
		rd.problems.addf("", "the bundle unzips to more than %s, the limit; remove unneeded files", formatSize(MaxTotalSize))
	} else if total > RatioCheckMinSize && rd.size > 0 && total/uint64(rd.size) > MaxCompressionRatio {
		rd.problems.addf("", "the bundle unzips to %s from %s, more than %d:1, which looks like a zip bomb; the bundle is rejected",
			formatSize(total), formatSize(uint64(rd.size)), MaxCompressionRatio)
	}
	rd.checkOverlaps()
}

// checkOverlaps rejects entries that share compressed data, a trick used
// by zip bombs to multiply the unzipped size.
func (rd *reader) checkOverlaps() {
	sort.Slice(rd.spans, func(i, j int) bool { return rd.spans[i].start < rd.spans[j].start })
	for i := 1; i < len(rd.spans); i++ {
		prev, cur := rd.spans[i-1], rd.spans[i]
		if cur.start < prev.end {
			rd.problems.addf(entrySubject(cur.name), "shares its data with entry %q, which looks like a zip bomb; the bundle is rejected", prev.name)
		}
	}
}

// checkName rejects unsafe entry names and returns the cleaned name.
func (rd *reader) checkName(raw string) (string, bool) {
	subject := entrySubject(raw)
	switch {
	case raw == "":
		rd.problems.addf(subject, "has an empty name; re-create the zip")
		return "", false
	case strings.Contains(raw, `\`):
		rd.problems.addf(subject, `uses '\' in its path; re-create the zip with '/' as the path separator`)
		return "", false
	case strings.HasPrefix(raw, "/") || hasDriveLetter(raw):
		rd.problems.addf(subject, "has an absolute path; entries must be relative to the bundle root")
		return "", false
	}
	for _, r := range raw {
		if r < 0x20 || r == 0x7f {
			rd.problems.addf(subject, "has control characters in its name; rename it")
			return "", false
		}
	}
	for _, seg := range strings.Split(raw, "/") {
		if seg == ".." {
			rd.problems.addf(subject, "has '..' in its path (path traversal); entries must stay inside the bundle")
			return "", false
		}
	}
	return path.Clean(raw), true
}

func hasDriveLetter(name string) bool {
	return len(name) >= 2 && name[1] == ':' &&
		(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z')
}

// describeMode names the type of a non-regular file.
func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

func isDir(f *zip.File) bool {
	return strings.HasSuffix(f.Name, "/") || f.Mode().IsDir()
}

// checkSize checks an entry's declared sizes against the limits and the
// archive. It reports whether the entry may be used.
func (rd *reader) checkSize(f *zip.File, dir bool) bool {
	subject := entrySubject(f.Name)
	u, c := f.UncompressedSize64, f.CompressedSize64
	ok := true
	if u > MaxEntrySize {
		rd.problems.addf(subject, "unzips to %s, more than the %s allowed per entry; make it smaller",
			formatSize(u), formatSize(MaxEntrySize))
		ok = false
	}
	if u > RatioCheckMinSize && (c == 0 || u/c > MaxCompressionRatio) {
		rd.problems.addf(subject, "is compressed more than %d:1 (%s from %s), which looks like a zip bomb; the bundle is rejected",
			MaxCompressionRatio, formatSize(u), formatSize(c))
		ok = false
	}
	if dir || !ok {
		return ok
	}
	off, err := f.DataOffset()
	switch {
	case err != nil:
		rd.problems.addf(subject, "has a broken header (%v); re-create the zip", err)
		return false
	case off < 0 || off > rd.size || c > uint64(rd.size-off):
		rd.problems.addf(subject, "is truncated: its data runs past the end of the archive; re-create the zip")
		return false
	}
	rd.spans = append(rd.spans, span{start: uint64(off), end: uint64(off) + c, name: f.Name})
	return true
}

// isJunk reports whether name is operating-system clutter (macOS resource
// forks and folder metadata) that is never part of an app.
func isJunk(name string) bool {
	base := path.Base(name)
	return strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, "._") || base == ".DS_Store"
}

// isPackageName reports whether name ends in .zip or .jar.
func isPackageName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".zip" || ext == ".jar"
}

func (rd *reader) classify(e entry) {
	switch {
	case e.name == ManifestName:
		rd.manifestFile = e.file
	case isJunk(e.name):
		// Ignored silently.
	case strings.HasPrefix(e.name, StaticDir):
		rd.assets = append(rd.assets, e)
	case isPackageName(e.name):
		rd.packages = append(rd.packages, e)
	default:
		if path.Base(e.name) == ManifestName {
			rd.nestedManifests = append(rd.nestedManifests, e.name)
		}
		rd.warnings = append(rd.warnings, fmt.Sprintf(
			"ignored entry %q: not manifest.json, a .zip/.jar function package or a file under static/", e.name))
	}
}

// readManifest reads and validates manifest.json.
func (rd *reader) readManifest() {
	if rd.manifestFile == nil {
		msg := "not found at the root of the bundle; add the app's manifest.json"
		if len(rd.nestedManifests) > 0 {
			msg = fmt.Sprintf("not found at the root of the bundle, only as %q; zip the contents of the app folder, not the folder itself",
				rd.nestedManifests[0])
		}
		rd.problems.addf(ManifestName, "%s", msg)
		return
	}
	if rd.manifestFile.UncompressedSize64 > apps.MaxManifestSize {
		rd.problems.addf(ManifestName, "is %s, more than the %s allowed",
			formatSize(rd.manifestFile.UncompressedSize64), formatSize(apps.MaxManifestSize))
		return
	}
	data, err := readEntry(rd.manifestFile, ManifestName)
	if err != nil {
		rd.problems.addf(ManifestName, "cannot be read: %v", err)
		return
	}
	m, err := apps.DecodeManifest(data)
	var invalid *apps.ValidationError
	switch {
	case errors.As(err, &invalid):
		for _, p := range invalid.Problems {
			rd.problems.addf(ManifestName, "%s", p.Error())
		}
	case err != nil:
		rd.problems.addf(ManifestName, "%v", err)
		return
	}
	if !m.SupportsAWSLambda() {
		rd.problems.addf(ManifestName, `has no aws_lambda section; a bundle for AWS Lambda needs "aws_lambda": {"functions": [...]}`)
	}
	rd.manifest = m
	rd.manifestData = data
	rd.manifestValid = err == nil
}

// staticAssets builds the static assets with their S3 keys.
func (rd *reader) staticAssets() []*StaticAsset {
	keys := make(map[string]string, len(rd.assets))
	assets := make([]*StaticAsset, 0, len(rd.assets))
	for _, e := range rd.assets {
		name := strings.TrimPrefix(e.name, StaticDir)
		if err := apps.ValidateStaticName(name); err != nil {
			rd.problems.addf(entrySubject(e.file.Name), "is not a valid static asset name: %v", err)
			continue
		}
		a := &StaticAsset{Entry: e.file.Name, Name: name, Size: int64(e.file.UncompressedSize64), file: e.file}
		if rd.manifest != nil {
			a.Key = awsnames.StaticKey(string(rd.manifest.AppID), string(rd.manifest.Version), name)
			if other, dup := keys[a.Key]; dup {
				rd.problems.addf(entrySubject(a.Entry), "has the same S3 key %q as %q (spaces become '-'); rename one of them", a.Key, other)
				continue
			}
			keys[a.Key] = a.Entry
		}
		assets = append(assets, a)
	}
	sortAssets(assets)
	return assets
}

// formatSize renders a byte count for messages, rounding up so that a size
// just over a limit never reads as equal to it ("250.1 MiB", "50 MiB").
func formatSize(n uint64) string {
	for _, u := range []struct {
		size uint64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size {
			v := math.Ceil(float64(n)/float64(u.size)*10) / 10
			return strconv.FormatFloat(v, 'f', -1, 64) + " " + u.name
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

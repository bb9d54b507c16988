package bundle

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
)

// openEntry opens a zip entry for reading, enforcing its declared size.
func openEntry(f *zip.File, name string) (io.ReadCloser, error) {
	if f == nil {
		return nil, fmt.Errorf("entry %q: not part of a bundle", name)
	}
	if f.UncompressedSize64 > MaxEntrySize {
		return nil, fmt.Errorf("entry %q: unzips to %s, more than the %s allowed", name,
			formatSize(f.UncompressedSize64), formatSize(MaxEntrySize))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", name, err)
	}
	return &entryReader{rc: rc, name: name, declared: int64(f.UncompressedSize64), remaining: int64(f.UncompressedSize64)}, nil
}

// readEntry returns the bytes of a zip entry, enforcing its declared size.
func readEntry(f *zip.File, name string) ([]byte, error) {
	rc, err := openEntry(f, name)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(rc)
	if cerr := rc.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("entry %q: %w", name, cerr)
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

// entryReader reads an entry and fails, rather than returning more, when the
// data is longer or shorter than the zip header declares. Reading to the end
// also checks the entry's CRC-32.
type entryReader struct {
	rc        io.ReadCloser
	name      string
	declared  int64
	remaining int64
}

// errNoProgress is returned when the underlying reader keeps returning
// nothing.
var errNoProgress = errors.New("no progress reading the entry")

// Read reads at most the declared number of bytes.
func (r *entryReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.remaining <= 0 {
		return 0, r.checkEnd()
	}
	if int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.rc.Read(p)
	r.remaining -= int64(n)
	switch {
	case (err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF)) && r.remaining > 0:
		return n, fmt.Errorf("entry %q: data ends after %d of the %d bytes its header declares: %w",
			r.name, r.declared-r.remaining, r.declared, io.ErrUnexpectedEOF)
	case err != nil && err != io.EOF:
		return n, fmt.Errorf("entry %q: %w", r.name, err)
	}
	return n, err
}

// checkEnd makes sure the entry has no data past its declared size and lets
// the zip reader verify the checksum.
func (r *entryReader) checkEnd() error {
	var b [1]byte
	for range 100 {
		n, err := r.rc.Read(b[:])
		switch {
		case n > 0 || errors.Is(err, zip.ErrFormat):
			return fmt.Errorf("entry %q: holds more data than the %d bytes its header declares; the bundle is corrupt or was tampered with",
				r.name, r.declared)
		case err == io.EOF:
			return io.EOF
		case err != nil:
			return fmt.Errorf("entry %q: %w", r.name, err)
		}
	}
	return fmt.Errorf("entry %q: %w", r.name, errNoProgress)
}

// Close closes the underlying entry reader.
func (r *entryReader) Close() error {
	return r.rc.Close()
}

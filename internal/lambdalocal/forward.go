package lambdalocal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// maxForwardedResponse bounds the fallback answers lambda-local reads.
const maxForwardedResponse = 16 << 20

// maxS3Code bounds function code fetched from S3.
const maxS3Code = 256 << 20

// hopHeaders are not forwarded in either direction.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Accept-Encoding",
}

// newProxy returns a reverse proxy to target that keeps the original Host
// header, so that SigV4 signatures stay valid for servers that check them.
func newProxy(target *url.URL, log *slog.Logger) http.Handler {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			log.Warn("fallback unreachable", "method", r.Method, "path", r.URL.Path, "err", err)
			fallbackError(err).write(w)
		},
	}
}

// fallbackError is answered when the fallback cannot be reached.
func fallbackError(err error) *apiError {
	return &apiError{Status: http.StatusBadGateway, Type: "ServiceException", Message: "lambda-local fallback unreachable: " + err.Error()}
}

// forwarded is a fallback answer read into memory.
type forwarded struct {
	status int
	header http.Header
	body   []byte
}

// ok reports a 2xx answer.
func (f *forwarded) ok() bool { return f.status >= 200 && f.status < 300 }

// write relays the answer to the client.
func (f *forwarded) write(w http.ResponseWriter) {
	copyHeaders(w.Header(), f.header)
	w.WriteHeader(f.status)
	_, _ = w.Write(f.body)
}

// forward sends a request, with the already read body, to the fallback and
// reads the answer.
func (s *Server) forward(r *http.Request, body []byte) (*forwarded, error) {
	target := strings.TrimSuffix(s.fallback.String(), "/") + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build fallback request: %w", err)
	}
	copyHeaders(out.Header, r.Header)
	out.Host = r.Host
	resp, err := s.client.Do(out)
	if err != nil {
		return nil, fmt.Errorf("forward %s %s: %w", r.Method, r.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxForwardedResponse))
	if err != nil {
		return nil, fmt.Errorf("read fallback answer to %s %s: %w", r.Method, r.URL.Path, err)
	}
	return &forwarded{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// copyHeaders copies all but the hop-by-hop headers.
func copyHeaders(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
	for _, h := range hopHeaders {
		dst.Del(h)
	}
}

// fetchS3Code downloads function code given as S3Bucket/S3Key from the S3
// endpoint (path-style), with the credentials of lambda-local's environment
// or, without any, dummy ones that moto accepts.
func (s *Server) fetchS3Code(ctx context.Context, bucket, key, version string) ([]byte, error) {
	if s.cfg.S3Endpoint == "" {
		return nil, fmt.Errorf("code in S3 (s3://%s/%s) needs a fallback or S3 endpoint to fetch it from", bucket, key)
	}
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		id, secret = "test", "test"
	}
	client := s3.New(s3.Options{
		Region:       s.cfg.Region,
		BaseEndpoint: aws.String(s.cfg.S3Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN")),
	})
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	obj, err := client.GetObject(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer obj.Body.Close()
	data, err := io.ReadAll(io.LimitReader(obj.Body, maxS3Code+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	if len(data) > maxS3Code {
		return nil, fmt.Errorf("s3://%s/%s is larger than %d bytes", bucket, key, maxS3Code)
	}
	return data, nil
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	setRequestID(w)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

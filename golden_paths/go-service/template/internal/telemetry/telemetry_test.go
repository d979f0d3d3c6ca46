package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

func TestLoggerAddsRequestIDAndTrace(t *testing.T) {
	var out bytes.Buffer
	logger := NewLogger(&out, slog.LevelInfo).With("component", "test")
	ctx := WithRequestID(context.Background(), "req-42")
	traceID, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	spanID, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled,
	}))
	logger.WithGroup("g").InfoContext(ctx, "hello", "k", "v")
	logger.DebugContext(ctx, "hidden below the level")

	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %q: %v", out.String(), err)
	}
	if line["msg"] != "hello" || line["level"] != "INFO" || line["component"] != "test" {
		t.Fatalf("unexpected record %v", line)
	}
	group, _ := line["g"].(map[string]any)
	if group["k"] != "v" || group["request_id"] != "req-42" || group["trace_id"] != traceID.String() {
		t.Fatalf("request id or trace missing: %v", line)
	}
}

func TestRequestIDAbsent(t *testing.T) {
	if id, ok := RequestID(context.Background()); ok || id != "" {
		t.Fatalf("RequestID on an empty context = %q, %v", id, ok)
	}
}

func TestTracingEnabled(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "otlp"}, true},
	}
	for _, tt := range tests {
		if got := TracingEnabled(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("TracingEnabled(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func TestSetupTracingIsANoOpWhenUnset(t *testing.T) {
	before := otel.GetTracerProvider()
	shutdown, err := SetupTracing(context.Background(), "svc", "test", func(string) string { return "" })
	if err != nil {
		t.Fatalf("SetupTracing: %v", err)
	}
	if otel.GetTracerProvider() != before {
		t.Fatal("a tracer provider was installed although no OTLP endpoint is configured")
	}
	if err := shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestSetupTracingRejectsGRPC(t *testing.T) {
	env := map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
	}
	_, err := SetupTracing(context.Background(), "svc", "test", func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), "http/protobuf") {
		t.Fatalf("SetupTracing with grpc: err = %v", err)
	}
}

func TestSetupTracingExportsOverOTLPHTTP(t *testing.T) {
	var exported atomic.Int32
	var service atomic.Bool
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/traces" && r.Header.Get("Content-Type") == "application/x-protobuf" {
			exported.Add(1)
			service.Store(bytes.Contains(body, []byte("orders-test")))
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	// The exporter and the resource read the standard variables from the process environment.
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_SERVICE_NAME", "orders-test")
	t.Setenv("OTEL_TRACES_SAMPLER", "always_on")
	shutdown, err := SetupTracing(context.Background(), "svc", "test", os.Getenv)
	if err != nil {
		t.Fatalf("SetupTracing: %v", err)
	}
	defer otel.SetTracerProvider(noop.NewTracerProvider())
	_, span := otel.Tracer("test").Start(context.Background(), "op")
	if !span.SpanContext().IsValid() {
		t.Fatal("no span recorded with an OTLP endpoint configured")
	}
	span.End()
	if err := shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if exported.Load() == 0 || !service.Load() {
		t.Fatalf("the collector received %d export(s); service name from OTEL_SERVICE_NAME: %v", exported.Load(), service.Load())
	}
}

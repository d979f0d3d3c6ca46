package server

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// openAPIDocument is the part of openapi.yaml the sync test reads.
type openAPIDocument struct {
	OpenAPI string                               `yaml:"openapi"`
	Paths   map[string]map[string]map[string]any `yaml:"paths"`
	Schemas struct {
		Schemas map[string]struct {
			Required   []string       `yaml:"required"`
			Properties map[string]any `yaml:"properties"`
		} `yaml:"schemas"`
	} `yaml:"components"`
}

func loadOpenAPI(t *testing.T) openAPIDocument {
	t.Helper()
	data, err := os.ReadFile("../../openapi.yaml")
	if err != nil {
		t.Fatalf("read openapi.yaml: %v", err)
	}
	var doc openAPIDocument
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse openapi.yaml: %v", err)
	}
	return doc
}

// TestOpenAPIDocumentMatchesTheCode keeps openapi.yaml (the catalog API entity's definition)
// in sync with the router: every registered route is documented with its method, every
// documented operation is served, and the example schemas list exactly the JSON fields of
// the Go types.
func TestOpenAPIDocumentMatchesTheCode(t *testing.T) {
	doc := loadOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi: %q, want 3.x", doc.OpenAPI)
	}
	s, _ := newTestServer(t, true)
	served := s.Patterns()
	var documented []string
	for path, operations := range doc.Paths {
		for method := range operations {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(served)
	slices.Sort(documented)
	if !slices.Equal(served, documented) {
		t.Fatalf("routes and openapi.yaml differ:\n  served:     %v\n  documented: %v", served, documented)
	}

	for name, typ := range map[string]reflect.Type{
		"Item":    reflect.TypeFor[Item](),
		"NewItem": reflect.TypeFor[NewItem](),
		"Status":  reflect.TypeFor[Status](),
		"Problem": reflect.TypeFor[problem](),
	} {
		schema, ok := doc.Schemas.Schemas[name]
		if !ok {
			t.Errorf("components.schemas.%s is missing", name)
			continue
		}
		var fields, required, properties []string
		for i := range typ.NumField() {
			tag, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fields = append(fields, tag)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, tag)
			}
		}
		for property := range schema.Properties {
			properties = append(properties, property)
		}
		slices.Sort(fields)
		slices.Sort(properties)
		slices.Sort(required)
		documentedRequired := slices.Clone(schema.Required)
		slices.Sort(documentedRequired)
		if !slices.Equal(fields, properties) {
			t.Errorf("components.schemas.%s properties %v, the Go type has %v", name, properties, fields)
		}
		if !slices.Equal(required, documentedRequired) {
			t.Errorf("components.schemas.%s required %v, the Go type always sends %v", name, documentedRequired, required)
		}
	}
}

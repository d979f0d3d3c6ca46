package server

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Item is the example resource (replace it with your own). Its JSON fields are documented in
// openapi.yaml (components.schemas.Item); TestOpenAPIDocumentMatchesTheCode keeps them in sync.
type Item struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// NewItem is the body of POST /api/v1/items (components.schemas.NewItem).
type NewItem struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

const maxBodyBytes = 1 << 20

type itemStore struct {
	mu    sync.RWMutex
	next  int
	items map[int]Item
}

func newItemStore() *itemStore {
	return &itemStore{next: 1, items: map[int]Item{}}
}

func (st *itemStore) add(in NewItem) Item {
	st.mu.Lock()
	defer st.mu.Unlock()
	item := Item{ID: st.next, Name: in.Name, Description: in.Description}
	st.items[item.ID] = item
	st.next++
	return item
}

func (st *itemStore) get(id int) (Item, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	item, ok := st.items[id]
	return item, ok
}

func (st *itemStore) list() []Item {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]Item, 0, len(st.items))
	for _, item := range st.items {
		out = append(out, item)
	}
	slices.SortFunc(out, func(a, b Item) int { return a.ID - b.ID })
	return out
}

func (s *Server) listItems(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.items.list())
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	decoder := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	decoder.DisallowUnknownFields()
	var in NewItem
	if err := decoder.Decode(&in); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
		case errors.Is(err, io.EOF):
			writeError(w, http.StatusBadRequest, "request body is empty")
		default:
			writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		}
		return
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 100 {
		writeError(w, http.StatusUnprocessableEntity, "name is required (1-100 characters)")
		return
	}
	item := s.items.add(in)
	s.log.InfoContext(r.Context(), "item created", slog.Int("id", item.ID))
	w.Header().Set("Location", "/api/v1/items/"+strconv.Itoa(item.ID))
	writeJSON(w, http.StatusCreated, item)
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 {
		writeError(w, http.StatusBadRequest, "id must be a positive integer")
		return
	}
	item, ok := s.items.get(id)
	if !ok {
		writeError(w, http.StatusNotFound, "item not found")
		return
	}
	writeJSON(w, http.StatusOK, item)
}

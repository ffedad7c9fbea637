/*
 * Explore's maps, drawn with Leaflet over markup that already works without them:
 * the map page lists every city and project in tables, and a city page states its
 * coordinates. Data comes from a JSON data block (json_script) and data-* attributes,
 * so the page needs no inline script under the site's Content Security Policy.
 */
(function () {
  "use strict";

  // Leaflet did not load (blocked, offline): the tables still carry everything.
  if (typeof window.L === "undefined") {
    return;
  }
  var L = window.L;
  var EUROPE = [50.5, 10];

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function link(href, text) {
    var anchor = element("a", null, text);
    anchor.href = href;
    return anchor;
  }

  // Leaflet writes attributions as HTML; the configured credit line is plain text.
  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (character) {
      return "&#" + character.charCodeAt(0) + ";";
    });
  }

  // Shows the map's block and creates the map; tiles only when a tile URL is configured,
  // otherwise the markers stand on a plain background (the default, and offline).
  function createMap(container, options) {
    var block = container.closest("[data-map-block]");
    if (block) {
      block.hidden = false; // before L.map(), which measures the container
    }
    var map = L.map(container, options);
    var tileUrl = container.dataset.tileUrl;
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 19,
        attribution: escapeHtml(container.dataset.tileAttribution || ""),
      }).addTo(map);
    } else {
      container.classList.add("map-plain");
    }
    return { map: map, hasTiles: Boolean(tileUrl) };
  }

  // A marker drawn with CSS (no image, so no icon path to guess behind hashed static
  // names); its text gives the focusable marker an accessible name.
  function cityIcon(name) {
    return L.divIcon({
      className: "map-marker",
      html: name ? element("span", "visually-hidden", name) : "",
      iconSize: [16, 16],
      iconAnchor: [8, 8],
      popupAnchor: [0, -10],
      tooltipAnchor: [10, 0],
    });
  }

  function popupContent(city, labels) {
    var box = element("div", "map-popup");
    var title = element("p", "map-popup-title");
    title.appendChild(link(city.url, city.name));
    title.appendChild(document.createTextNode(" (" + city.country + ")"));
    box.appendChild(title);
    if (!city.projects.length) {
      box.appendChild(element("p", null, labels.noProjects));
      return box;
    }
    box.appendChild(element("p", "map-popup-heading", labels.projects));
    var list = element("ul");
    city.projects.forEach(function (project) {
      var item = element("li");
      var anchor = link(project.url, project.acronym);
      anchor.title = project.name;
      item.appendChild(anchor);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function showCities(container) {
    var source = document.getElementById(container.dataset.mapMarkers);
    var cities = source ? JSON.parse(source.textContent) : [];
    var labels = {
      projects: container.dataset.labelProjects,
      noProjects: container.dataset.labelNoProjects,
    };
    var map = createMap(container, { scrollWheelZoom: false }).map;
    var points = cities.map(function (city) {
      var point = [city.lat, city.lng];
      L.marker(point, { icon: cityIcon(city.name), title: city.name, riseOnHover: true })
        .bindPopup(popupContent(city, labels))
        .addTo(map);
      return point;
    });
    if (points.length > 1) {
      map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 9 });
    } else if (points.length === 1) {
      map.setView(points[0], 9);
    } else {
      map.setView(EUROPE, 4);
    }
    L.control.scale().addTo(map);
  }

  function showPoint(container) {
    var point = [parseFloat(container.dataset.lat), parseFloat(container.dataset.lng)];
    var created = createMap(container, { scrollWheelZoom: false });
    created.map.setView(point, created.hasTiles ? 11 : 5);
    // Not focusable: the tooltip names the city, and the page says where it is.
    L.marker(point, { icon: cityIcon(null), interactive: false, keyboard: false })
      .bindTooltip(container.dataset.label, { permanent: true, direction: "right" })
      .addTo(created.map);
  }

  document.querySelectorAll("[data-map-markers]").forEach(showCities);
  document.querySelectorAll("[data-map-point]").forEach(showPoint);
})();

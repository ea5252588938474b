// Starts Swagger UI from data attributes, so that /api/docs needs no inline script (CSP).
const container = document.getElementById("swagger-ui-container");
const config = JSON.parse(container.dataset.config || "{}");
window.ui = window.SwaggerUIBundle({ ...config, url: container.dataset.specUrl, dom_id: "#swagger-ui-container" });

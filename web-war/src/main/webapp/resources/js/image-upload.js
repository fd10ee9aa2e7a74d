// Image upload of the Images page: posts the form as multipart straight to /api/images/upload (the session cookie
// authenticates it), so the file streams to disk on the server instead of passing through Faces. The request's
// upload progress drives the bar; the API's {error, message, field} answer is shown beside the field it names.
(function () {
    "use strict";
    var form = document.getElementById("upload");
    if (!form) {
        return; // a viewer's page has no upload form
    }
    var bar = document.getElementById("upload-progress");
    var fill = document.getElementById("upload-progress-fill");
    var percent = document.getElementById("upload-percent");
    var submit = document.getElementById("upload-submit");
    var result = document.getElementById("upload-result");

    function errors() {
        return form.querySelectorAll(".upload-error");
    }

    function clearErrors() {
        Array.prototype.forEach.call(errors(), function (el) {
            el.textContent = "";
            el.hidden = true;
        });
        Array.prototype.forEach.call(form.querySelectorAll(".ui-state-error"), function (el) {
            el.classList.remove("ui-state-error");
        });
    }

    // beside the named field when the form has it, else under the form
    function showError(field, message) {
        var target = null;
        Array.prototype.forEach.call(errors(), function (el) {
            if (el.getAttribute("data-field") === (field || "")) {
                target = el;
            }
        });
        if (!target) {
            target = form.querySelector(".upload-error[data-field='']");
        }
        var input = field ? form.querySelector("[name='" + field + "']") : null;
        if (input) {
            input.classList.add("ui-state-error");
        }
        target.textContent = message;
        target.hidden = false;
    }

    function progress(value) {
        bar.setAttribute("data-progress", String(value));
        fill.style.width = value + "%";
        percent.textContent = value + " %";
    }

    function done() {
        submit.disabled = false;
    }

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        clearErrors();
        result.hidden = true;
        var file = form.elements.image.files[0];
        if (!file) {
            showError("image", "Choose an image file");
            return;
        }
        if (!form.elements.version.value.trim()) {
            showError("version", "A version is required");
            return;
        }
        var data = new FormData();
        // the fields first: the server checks them before it receives the (possibly huge) file
        data.append("product_type", form.elements.product_type.value);
        data.append("version", form.elements.version.value.trim());
        data.append("description", form.elements.description.value);
        data.append("image", file, file.name);

        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.getAttribute("data-action"));
        xhr.setRequestHeader("Accept", "application/json");
        var token = document.querySelector("meta[name=csrf-token]");
        xhr.setRequestHeader("X-CSRF-Token", token ? token.getAttribute("content") : "");
        xhr.upload.onprogress = function (e) {
            if (e.lengthComputable) {
                progress(Math.floor(e.loaded * 100 / e.total));
            }
        };
        xhr.onload = function () {
            done();
            var answer = null;
            try {
                answer = JSON.parse(xhr.responseText);
            } catch (notJson) {
                answer = null;
            }
            if (xhr.status === 201 && answer) {
                progress(100);
                document.getElementById("upload-filename").textContent = answer.filename;
                document.getElementById("upload-checksum").textContent = answer.checksum;
                result.hidden = false;
                form.elements.version.value = "";
                form.elements.description.value = "";
                form.elements.image.value = "";
                if (window.refreshImages) {
                    window.refreshImages();
                }
            } else if (answer && answer.message) {
                showError(answer.field, answer.message);
            } else {
                showError(null, "The upload failed (HTTP " + xhr.status + ")");
            }
        };
        xhr.onerror = function () {
            done();
            showError(null, "The upload was cut off; nothing was stored. Try again.");
        };
        submit.disabled = true;
        bar.hidden = false;
        progress(0);
        xhr.send(data);
    });
})();

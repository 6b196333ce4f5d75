// Says a login failed when the form came back with ?failed (no inline scripts: the console's policy forbids them).
if (new URLSearchParams(location.search).has('failed')) {
  document.getElementById('failed').hidden = false;
}

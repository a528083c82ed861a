/* The project's Gantt (frappe-gantt 1.2): a window of the plan's rows from the API,
   folded summaries, the latest baseline drawn under each bar, and (for the project's
   manager) bars that move or resize as a versioned change the server reschedules.
   Text from the server is escaped before frappe-gantt writes it as HTML. */
(function () {
  'use strict';

  var root = document.getElementById('gantt');
  if (!root) return;
  var DAY_MS = 86400000;
  var BAR_HEIGHT = 24;
  var PADDING = 16;
  var dataUrl = root.dataset.dataUrl;
  var datesUrl = root.dataset.datesUrl;
  var canChange = root.dataset.canChange === 'true';
  var csrf = root.dataset.csrf;
  var limit = parseInt(root.dataset.window, 10) || 200;
  var chart = document.getElementById('gantt-chart');
  var list = document.getElementById('gantt-rows');
  var status = document.getElementById('gantt-status');
  var alertBox = document.getElementById('gantt-alert');
  var empty = document.getElementById('gantt-empty');
  var layout = root.querySelector('.gantt-layout');
  var earlier = root.querySelector('[data-gantt-page="earlier"]');
  var later = root.querySelector('[data-gantt-page="later"]');
  var scale = document.getElementById('gantt-scale');
  var baselineName = root.querySelector('[data-testid="gantt-baseline-name"]');

  var state = { offset: 0, depth: null, collapsed: new Set(), expanded: new Set(), visible: 0 };
  var rows = [];
  var byId = {};
  var gantt = null;
  var busy = false;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // "2027-01-04T09:00:00" → a Date at local midnight of that day (frappe-gantt's days).
  function dayOf(text) {
    var parts = text.slice(0, 10).split('-');
    return new Date(+parts[0], +parts[1] - 1, +parts[2]);
  }
  function dayText(date) {
    var m = date.getMonth() + 1, d = date.getDate();
    return date.getFullYear() + '-' + (m < 10 ? '0' : '') + m + '-' + (d < 10 ? '0' : '') + d;
  }
  // The last day a task's bar covers: a finish at midnight ends the day before.
  function lastDay(start, finish) {
    var last = dayOf(finish);
    if (/T00:00(:00)?$/.test(finish) && finish > start) last = new Date(last.getTime() - DAY_MS / 2);
    last = new Date(last.getFullYear(), last.getMonth(), last.getDate());
    var first = dayOf(start);
    return last < first ? first : last;
  }
  function readable(date) {
    return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  }

  function say(text) { status.textContent = text; }
  function warn(text) {
    alertBox.textContent = text;
    alertBox.classList.toggle('d-none', !text);
  }

  function query() {
    var params = new URLSearchParams();
    params.set('offset', state.offset);
    params.set('limit', limit);
    if (state.depth !== null) params.set('depth', state.depth);
    state.collapsed.forEach(function (id) { params.append('collapsed', id); });
    state.expanded.forEach(function (id) { params.append('expanded', id); });
    return params.toString();
  }

  function load() {
    busy = true;
    root.setAttribute('aria-busy', 'true');
    say('Loading the chart…');
    return fetch(dataUrl + '?' + query(), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('The chart could not be loaded (error ' + response.status + '). Reload the page to try again.');
        return response.json();
      })
      .then(function (data) {
        state.depth = data.depth;
        state.offset = data.offset;
        state.visible = data.visible_count;
        rows = data.rows;
        byId = {};
        rows.forEach(function (row) { byId[String(row.id)] = row; });
        baselineName.textContent = data.baseline ? 'Baseline “' + data.baseline + '”' : 'Baseline (none saved yet)';
        draw(data);
      })
      .catch(function (error) { say(error.message); })
      .finally(function () {
        busy = false;
        root.removeAttribute('aria-busy');
      });
  }

  function taskOf(row) {
    var start = row.start ? dayOf(row.start) : null;
    var end = row.start && row.end ? lastDay(row.start, row.end) : null;
    var kind = row.is_summary ? 'gantt-summary' : row.is_milestone ? 'gantt-milestone' : 'gantt-task';
    return {
      id: String(row.id),
      name: escapeHtml(row.name),
      start: start ? dayText(start) : null,
      end: end ? dayText(end) : null,
      progress: row.progress,
      dependencies: row.dependencies.map(String).join(','),
      custom_class: kind,
    };
  }

  function popup(ctx) {
    var row = byId[ctx.task.id];
    if (!row) return;
    ctx.set_title(escapeHtml(row.name));
    var facts = [row.wbs];
    if (row.is_summary) facts.push('Summary');
    if (row.is_milestone) facts.push('Milestone');
    if (row.is_critical) facts.push('Critical');
    ctx.set_subtitle(escapeHtml(facts.join(' · ')));
    var lines = [];
    if (row.start && row.end) lines.push('Scheduled: ' + readable(dayOf(row.start)) + ' – ' + readable(lastDay(row.start, row.end)));
    if (row.baseline_start && row.baseline_finish) {
      lines.push('Baseline: ' + readable(dayOf(row.baseline_start)) + ' – ' + readable(lastDay(row.baseline_start, row.baseline_finish)));
    }
    lines.push('Progress: ' + row.progress + '%');
    ctx.set_details(lines.map(escapeHtml).join('<br>'));
  }

  function draw(data) {
    var first = data.offset + 1;
    var last = data.offset + rows.length;
    earlier.disabled = data.offset <= 0;
    later.disabled = last >= data.visible_count;
    var tasks = rows.filter(function (row) { return row.start && row.end; }).map(taskOf);
    if (!tasks.length) {
      layout.classList.add('d-none');
      empty.classList.remove('d-none');
      say(data.task_count ? 'No rows in this window.' : 'No tasks yet.');
      return;
    }
    layout.classList.remove('d-none');
    empty.classList.add('d-none');
    var shown = rows.filter(function (row) { return row.start && row.end; });
    drawList(shown);
    var options = {
      view_mode: scale.value,
      bar_height: BAR_HEIGHT,
      padding: PADDING,
      readonly: !canChange,
      readonly_progress: true,
      move_dependencies: false,
      infinite_padding: false,
      today_button: false,
      view_mode_select: false,
      scroll_to: 'start',
      popup_on: 'click',
      popup: popup,
      language: 'en',
      on_date_change: onDateChange,
    };
    chart.innerHTML = '';
    gantt = new Gantt(chart, tasks, options);
    decorate(shown);
    say('Rows ' + first + '–' + last + ' of ' + data.visible_count + ' shown' +
        (data.visible_count < data.task_count ? ' (' + data.task_count + ' tasks in the plan; folded summaries hide the rest)' : '') + '.');
  }

  function drawList(shown) {
    list.innerHTML = '';
    list.style.setProperty('--gantt-row', (BAR_HEIGHT + PADDING) + 'px');
    shown.forEach(function (row) {
      var item = document.createElement('li');
      item.className = 'gantt-row' + (row.is_summary ? ' gantt-row-summary' : '') + (row.is_critical ? ' gantt-row-critical' : '');
      item.dataset.id = row.id;
      item.dataset.testid = 'gantt-row';
      item.style.paddingLeft = (0.25 + 0.75 * (row.level - 1)) + 'rem';
      if (row.is_summary) {
        var toggle = document.createElement('button');
        toggle.type = 'button';
        toggle.className = 'btn btn-sm btn-link gantt-toggle p-0';
        toggle.setAttribute('aria-expanded', row.collapsed ? 'false' : 'true');
        toggle.setAttribute('aria-label', (row.collapsed ? 'Show the tasks of ' : 'Hide the tasks of ') + row.name);
        toggle.innerHTML = '<i class="ti ti-chevron-' + (row.collapsed ? 'right' : 'down') + '" aria-hidden="true"></i>';
        toggle.addEventListener('click', function () { fold(row); });
        item.appendChild(toggle);
      } else {
        var spacer = document.createElement('span');
        spacer.className = 'gantt-toggle-space';
        item.appendChild(spacer);
      }
      var wbs = document.createElement('span');
      wbs.className = 'gantt-wbs';
      wbs.textContent = row.wbs;
      item.appendChild(wbs);
      var name = document.createElement('span');
      name.className = 'gantt-name';
      name.textContent = (row.is_milestone ? '◆ ' : '') + row.name;
      name.title = row.name;
      item.appendChild(name);
      if (row.is_critical) {
        var badge = document.createElement('span');
        badge.className = 'badge text-bg-danger gantt-critical-badge';
        badge.innerHTML = '<i class="ti ti-alert-triangle" aria-hidden="true"></i><span class="gantt-critical-word">Critical</span>';
        item.appendChild(badge);
      }
      list.appendChild(item);
    });
  }

  // After frappe-gantt drew: extra classes, diamonds for milestones, baseline bars, and
  // the task list lined up with the chart's rows.
  function decorate(shown) {
    var svg = chart.querySelector('svg.gantt');
    if (!svg) return;
    var unitMs = gantt.config.unit === 'hour' ? 3600000 : DAY_MS;
    var perColumn = unitMs * gantt.config.step;
    var width = gantt.config.column_width;
    var start = gantt.gantt_start.getTime();
    function x(date) { return (date.getTime() - start) / perColumn * width; }
    var ns = 'http://www.w3.org/2000/svg';
    var layer = document.createElementNS(ns, 'g');
    layer.setAttribute('class', 'gantt-baselines');
    svg.appendChild(layer);
    shown.forEach(function (row) {
      var wrapper = svg.querySelector('.bar-wrapper[data-id="' + row.id + '"]');
      if (!wrapper) return;
      if (row.is_critical) wrapper.classList.add('gantt-critical');
      wrapper.setAttribute('data-start', row.start.slice(0, 10));  // the day the bar starts on
      var bar = wrapper.querySelector('.bar');
      var y = +bar.getAttribute('y');
      if (row.is_milestone) {
        var cx = x(dayOf(row.start)) + width / 2;
        var half = BAR_HEIGHT / 2;
        var diamond = document.createElementNS(ns, 'polygon');
        diamond.setAttribute('class', 'gantt-diamond');
        diamond.setAttribute('points', [cx, y, cx + half, y + half, cx, y + BAR_HEIGHT, cx - half, y + half].join(' '));
        wrapper.querySelector('.bar-group').appendChild(diamond);
      }
      if (row.baseline_start && row.baseline_finish) {
        var from = dayOf(row.baseline_start);
        var to = new Date(lastDay(row.baseline_start, row.baseline_finish).getTime() + DAY_MS);
        var rect = document.createElementNS(ns, 'rect');
        rect.setAttribute('class', 'gantt-baseline');
        rect.setAttribute('x', x(from));
        rect.setAttribute('y', y + BAR_HEIGHT + 2);
        rect.setAttribute('width', Math.max(x(to) - x(from), 3));
        rect.setAttribute('height', 5);
        rect.setAttribute('data-id', row.id);
        var title = document.createElementNS(ns, 'title');
        title.textContent = 'Baseline: ' + readable(from) + ' – ' + readable(new Date(to.getTime() - DAY_MS));
        rect.appendChild(title);
        layer.appendChild(rect);
      }
    });
    var scroller = chart.querySelector('.gantt-container');
    if (scroller) {  // scrolls sideways: reachable with the keyboard
      scroller.setAttribute('tabindex', '0');
      scroller.setAttribute('aria-label', 'Gantt chart, scrolls sideways');
    }
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Gantt chart of the rows listed beside it');
    // Open on the first bar rather than on the padding before it.
    var bars = Array.prototype.map.call(svg.querySelectorAll('.bar-wrapper .bar'), function (el) { return +el.getAttribute('x'); });
    if (scroller && bars.length) scroller.scrollLeft = Math.max(0, Math.min.apply(null, bars) - width);
    var firstBar = svg.querySelector('.bar-wrapper .bar');
    if (firstBar) {
      var top = firstBar.getBoundingClientRect().top - chart.getBoundingClientRect().top - PADDING / 2;
      list.style.paddingTop = Math.max(top, 0) + 'px';
    }
  }

  function fold(row) {
    var id = row.id;
    if (row.collapsed) {
      state.collapsed.delete(id);
      if (state.depth && row.level >= state.depth) state.expanded.add(id);
    } else {
      state.expanded.delete(id);
      state.collapsed.add(id);
    }
    load().then(function () {
      var again = list.querySelector('.gantt-row[data-id="' + id + '"] .gantt-toggle');
      if (again) again.focus();
    });
  }

  // frappe-gantt reports a new date on every step of a drag; the last one is sent when
  // the mouse is released.
  var pending = null;
  function onDateChange(task, start, end) {
    if (byId[task.id]) pending = { task: task, start: start, end: end };
  }
  document.addEventListener('mouseup', function () {
    setTimeout(function () {
      if (!pending) return;
      var change = pending;
      pending = null;
      send(change.task, change.start, change.end);
    }, 0);
  });

  function send(task, start, end) {
    var row = byId[task.id];
    if (!row || busy) return;
    warn('');
    if (row.is_summary) {
      warn(row.name + ' is a summary task: its dates come from its tasks. Move those instead.');
      load();
      return;
    }
    busy = true;
    say('Saving ' + row.name + '…');
    fetch(datesUrl.replace('{id}', row.id), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify({ version: row.version, start: dayText(start), finish: dayText(end) }),
    }).then(function (response) {
      if (response.ok) {
        say('Saved: ' + row.name + ' rescheduled.');
        return;
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var error = (body && body.error) || {};
        if (response.status === 409) {
          warn('Someone else changed ' + row.name + ' since the chart was loaded, so your change was not saved. The chart now shows their change: drag again if it is still needed.');
        } else {
          var fields = error.fields || {};
          var detail = Object.keys(fields).map(function (key) { return fields[key].join(' '); }).join(' ');
          warn((detail || error.message || 'The change could not be saved.') + ' The chart shows the plan as it is.');
        }
      });
    }).catch(function () {
      warn('The change could not be sent: check the connection. The chart shows the plan as it was.');
    }).finally(function () {
      busy = false;
      load().then(function () {  // how many changes were answered (the browser test waits on it)
        root.dataset.answered = String((parseInt(root.dataset.answered, 10) || 0) + 1);
      });
    });
  }

  earlier.addEventListener('click', function () {
    state.offset = Math.max(0, state.offset - limit);
    load();
  });
  later.addEventListener('click', function () {
    state.offset += limit;
    load();
  });
  scale.addEventListener('change', function () {
    if (gantt) gantt.change_view_mode(scale.value);
    decorate(rows.filter(function (row) { return row.start && row.end; }));
  });
  // frappe-gantt measures a drag with offsetX, which Chromium gives relative to the SVG
  // shape under the pointer (the moving bar itself), so bars lag or jump back
  // (frappe/gantt#76, #135). Every mouse event reaching the chart gets the offset from
  // the chart's SVG instead.
  ['mousedown', 'mousemove', 'mouseup'].forEach(function (type) {
    chart.addEventListener(type, function (event) {
      var svg = chart.querySelector('svg.gantt');
      if (!svg) return;
      var box = svg.getBoundingClientRect();
      Object.defineProperty(event, 'offsetX', { value: event.clientX - box.left });
      Object.defineProperty(event, 'offsetY', { value: event.clientY - box.top });
    }, true);
  });
  // A summary's bar does not move: its dates come from its tasks.
  chart.addEventListener('mousedown', function (event) {
    var wrapper = event.target.closest && event.target.closest('.bar-wrapper');
    if (wrapper && wrapper.classList.contains('gantt-summary')) event.stopPropagation();
  }, true);

  if (typeof Gantt === 'undefined') {
    say('The chart could not be drawn: its script did not load. Reload the page to try again.');
    return;
  }
  load();
}());

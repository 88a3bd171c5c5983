package io.github.puipui.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small JSON reader (objects as {@link Map}, arrays as {@link List}, numbers as {@link Double} or {@link Long}) and a
 * validator for the part of JSON Schema the guest report's schema uses: type, const, enum, properties, required,
 * additionalProperties false, items, minimum and pattern.
 */
public final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    public static Object parse(String text) {
        Json j = new Json(text);
        Object v = j.value();
        j.space();
        if (j.i != text.length()) {
            throw j.error("trailing text");
        }
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + i + " of: " + s);
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private Object value() {
        space();
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                Map<String, Object> o = new LinkedHashMap<>();
                i++;
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return o;
                }
                while (true) {
                    space();
                    String k = string();
                    space();
                    expect(':');
                    if (o.put(k, value()) != null) {
                        throw error("duplicate key " + k);
                    }
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect('}');
                    return o;
                }
            case '[':
                List<Object> a = new ArrayList<>();
                i++;
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return a;
                }
                while (true) {
                    a.add(value());
                    space();
                    if (s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect(']');
                    return a;
                }
            case '"':
                return string();
            default:
                for (String word : List.of("true", "false", "null")) {
                    if (s.startsWith(word, i)) {
                        i += word.length();
                        return word.equals("null") ? null : Boolean.valueOf(word);
                    }
                }
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                String n = s.substring(start, i);
                if (!n.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                    throw error("not a JSON value: '" + n + "'");
                }
                return n.matches("-?[0-9]+") ? (Object) Long.valueOf(n) : (Object) Double.valueOf(n);
        }
    }

    private void expect(char c) {
        if (i >= s.length() || s.charAt(i) != c) {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("a control character in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                case '"', '\\', '/' -> b.append(e);
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    /** The problems of {@code value} against {@code schema} (empty: valid), each with its JSON path. */
    @SuppressWarnings("unchecked")
    public static List<String> validate(Object value, Map<String, Object> schema, String path) {
        List<String> problems = new ArrayList<>();
        if (schema.containsKey("const") && !equal(schema.get("const"), value)) {
            problems.add(path + ": not " + schema.get("const"));
        }
        if (schema.containsKey("enum") && ((List<Object>) schema.get("enum")).stream().noneMatch(e -> equal(e, value))) {
            problems.add(path + ": " + value + " is none of " + schema.get("enum"));
        }
        Object type = schema.get("type");
        if (type != null) {
            List<Object> types = type instanceof List ? (List<Object>) type : List.of(type);
            if (types.stream().noneMatch(t -> isType(value, (String) t))) {
                problems.add(path + ": " + value + " is not of type " + type);
                return problems;
            }
        }
        if (value instanceof Map) {
            Map<String, Object> o = (Map<String, Object>) value;
            Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
            for (Object r : (List<Object>) schema.getOrDefault("required", List.of())) {
                if (!o.containsKey(r)) {
                    problems.add(path + ": no " + r);
                }
            }
            for (Map.Entry<String, Object> e : o.entrySet()) {
                if (props.containsKey(e.getKey())) {
                    problems.addAll(validate(e.getValue(), (Map<String, Object>) props.get(e.getKey()), path + "." + e.getKey()));
                } else if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
                    problems.add(path + ": unexpected " + e.getKey());
                }
            }
        }
        if (value instanceof List && schema.containsKey("items")) {
            List<Object> a = (List<Object>) value;
            for (int k = 0; k < a.size(); k++) {
                problems.addAll(validate(a.get(k), (Map<String, Object>) schema.get("items"), path + "[" + k + "]"));
            }
        }
        if (value instanceof Number n && schema.containsKey("minimum")
                && n.doubleValue() < ((Number) schema.get("minimum")).doubleValue()) {
            problems.add(path + ": " + n + " is below " + schema.get("minimum"));
        }
        if (value instanceof String str && schema.containsKey("pattern")
                && !Pattern.compile((String) schema.get("pattern")).matcher(str).find()) {
            problems.add(path + ": '" + str + "' does not match " + schema.get("pattern"));
        }
        return problems;
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a == null ? b == null : a.equals(b);
    }

    private static boolean isType(Object v, String t) {
        return switch (t) {
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            case "string" -> v instanceof String;
            case "integer" -> v instanceof Long;
            case "number" -> v instanceof Number;
            case "boolean" -> v instanceof Boolean;
            case "null" -> v == null;
            default -> throw new IllegalArgumentException("a type this validator does not know: " + t);
        };
    }
}

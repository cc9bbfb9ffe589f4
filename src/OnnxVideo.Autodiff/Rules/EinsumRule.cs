using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Autodiff.Rules;

/// <summary>
/// Einsum: the gradient of operand k is the Einsum of the other operands and the output gradient onto k's labels.
/// Labels of k found in no other operand and not in the output were summed over k alone; their gradient is the
/// same at every position (Unsqueeze + Expand). An ellipsis is spelled out in letters of its own; repeated labels
/// within one operand (diagonals) are not supported.
/// </summary>
internal static class EinsumRule
{
    public static string?[] Einsum(GradientContext c, NodeProto n, IReadOnlyList<string?> dy)
    {
        var equation = AttributeValues.String(n, "equation") ?? throw c.Fail("Einsum has no equation");
        var (operands, output) = Parse(c, n, equation);
        var grads = new string?[n.Input.Count];
        for (var k = 0; k < n.Input.Count; k++)
        {
            if (!c.NeedsGradient(k))
            {
                continue;
            }
            var labels = operands[k];
            if (labels.Distinct().Count() != labels.Length) throw c.Fail($"operand {k} repeats a label ('{labels}'): diagonals are not supported");
            var others = Enumerable.Range(0, n.Input.Count).Where(i => i != k).ToArray();
            var available = others.SelectMany(i => operands[i]).Concat(output).ToHashSet();
            var kept = new string(labels.Where(available.Contains).ToArray());
            var terms = others.Select(i => operands[i]).Append(output);
            var g = c.Op("Einsum", [.. others.Select(i => n.Input[i]), dy[0]!],
                new Dictionary<string, object> { ["equation"] = string.Join(",", terms) + "->" + kept });
            if (kept.Length != labels.Length)
            {
                var missing = Enumerable.Range(0, labels.Length).Where(i => !available.Contains(labels[i])).Select(i => (long)i).ToArray();
                g = c.Op("Expand", c.Unsqueeze(g, missing), c.RuntimeShape(n.Input[k]));
            }
            grads[k] = g;
        }
        return grads;
    }

    /// <summary>Each operand's labels and the output's, with ellipses replaced by upper-case letters (right-aligned).</summary>
    private static (string[] Operands, string Output) Parse(GradientContext c, NodeProto n, string equation)
    {
        var text = new string(equation.Where(ch => !char.IsWhiteSpace(ch)).ToArray());
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        var left = (arrow < 0 ? text : text[..arrow]).Split(',');
        if (left.Length != n.Input.Count) throw c.Fail($"equation '{equation}' names {left.Length} operands, the node has {n.Input.Count}");
        var ellipsisRanks = left.Select((term, i) => term.Contains("...", StringComparison.Ordinal)
            ? c.Rank(n.Input[i]) - term.Replace("...", "", StringComparison.Ordinal).Length : 0).ToArray();
        var widest = ellipsisRanks.DefaultIfEmpty(0).Max();
        const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        if (widest > 0 && text.Any(char.IsUpper)) throw c.Fail($"equation '{equation}' mixes an ellipsis with upper-case labels");
        if (widest > Letters.Length) throw c.Fail("the ellipsis spans too many axes");
        string Expand(string term, int rank) => term.Replace("...", Letters.Substring(widest - rank, rank), StringComparison.Ordinal);
        var operands = left.Select((term, i) => Expand(term, ellipsisRanks[i])).ToArray();
        string output;
        if (arrow >= 0)
        {
            output = Expand(text[(arrow + 2)..], widest);
        }
        else
        {
            // Implicit output: the ellipsis axes, then the labels used once, in alphabetical order.
            var once = operands.SelectMany(o => o).Where(char.IsLower).GroupBy(ch => ch).Where(g => g.Count() == 1).Select(g => g.Key).Order();
            output = Letters[..widest] + new string(once.ToArray());
        }
        if (operands.Any(o => o.Any(ch => !char.IsLetter(ch))) || output.Any(ch => !char.IsLetter(ch)))
        {
            throw c.Fail($"cannot read the equation '{equation}'");
        }
        return (operands, output);
    }
}

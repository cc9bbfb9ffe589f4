using System.Text;

namespace OnnxVideo.Models.Zoo;

/// <summary>A weights file whose tensor names or shapes do not fit the architecture; lists every problem.</summary>
internal sealed class ZooWeightsMismatchException : UserInputException
{
    public ZooWeightsMismatchException(string weightsPath, string architecture, IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected, IReadOnlyList<ZooShapeMismatch> shapeMismatches, string? hint)
        : base(weightsPath, $"weights do not fit {architecture}", Describe(weightsPath, architecture, missing, unexpected, shapeMismatches, hint), null)
    {
        WeightsPath = weightsPath;
        Architecture = architecture;
        Missing = missing;
        Unexpected = unexpected;
        ShapeMismatches = shapeMismatches;
    }

    public string WeightsPath { get; }
    public string Architecture { get; }
    /// <summary>Parameters the architecture needs that the file lacks.</summary>
    public IReadOnlyList<string> Missing { get; }
    /// <summary>Tensors in the file the architecture has no use for.</summary>
    public IReadOnlyList<string> Unexpected { get; }
    public IReadOnlyList<ZooShapeMismatch> ShapeMismatches { get; }

    private static string Describe(string path, string architecture, IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected, IReadOnlyList<ZooShapeMismatch> mismatches, string? hint)
    {
        const int shown = 20;
        var text = new StringBuilder($"{path}: weights do not fit {architecture}");
        if (hint is not null)
        {
            text.Append($" ({hint})");
        }
        void List(string title, IReadOnlyList<string> items)
        {
            if (items.Count == 0)
            {
                return;
            }
            text.Append($"; {items.Count} {title}: ").Append(string.Join(", ", items.Take(shown)));
            if (items.Count > shown)
            {
                text.Append($", … ({items.Count - shown} more)");
            }
        }
        List("missing", missing);
        List("unexpected", unexpected);
        List("with wrong shape", mismatches.Select(m => m.ToString()).ToList());
        return text.ToString();
    }
}

namespace OnnxVideo.Onnx.Tests.Corpus;

public sealed class RoundTripTests
{
    /// <summary>Every third model of ONNX's node tests (about 360 files, each a few hundred bytes).</summary>
    private static IEnumerable<string> Sample() =>
        Directory.EnumerateDirectories(OnnxCorpusFactAttribute.Folder).Order(StringComparer.Ordinal)
            .Select(folder => Path.Combine(folder, "model.onnx")).Where(File.Exists).Where((_, i) => i % 3 == 0);

    [OnnxCorpusFact]
    public void LoadingAndSavingChangesNoByte()
    {
        using var temp = new TempDirectory();
        var sample = Sample().ToList();
        Assert.True(sample.Count > 300, $"only {sample.Count} corpus models found");
        var changed = new List<string>();
        foreach (var original in sample)
        {
            var saved = temp.File("saved.onnx");
            OnnxModelFile.Save(OnnxModelFile.Load(original), saved);
            if (!File.ReadAllBytes(original).AsSpan().SequenceEqual(File.ReadAllBytes(saved)))
            {
                changed.Add(Path.GetFileName(Path.GetDirectoryName(original))!);
            }
        }

        Assert.True(changed.Count == 0, $"{changed.Count} of {sample.Count} models changed: {string.Join(", ", changed.Take(20))}");
    }

    [OnnxCorpusFact]
    public void AnExplicitZeroAttributeSurvives()
    {
        // Flatten's axis=0 differs from its default (1): proto3 without presence used to drop it.
        var original = Path.Combine(OnnxCorpusFactAttribute.Folder, "test_flatten_axis0", "model.onnx");
        var model = OnnxModelFile.Load(original);
        var axis = Assert.Single(model.Graph.Node[0].Attribute);
        Assert.True(axis.HasI);
        Assert.Equal(0, axis.I);
        using var temp = new TempDirectory();
        OnnxModelFile.Save(model, temp.File("flatten.onnx"));
        Assert.True(OnnxModelFile.Load(temp.File("flatten.onnx")).Graph.Node[0].Attribute[0].HasI);
    }
}

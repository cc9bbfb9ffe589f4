using System.Text.Json.Nodes;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Media;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Every field of a valid package's manifest.json, mutated one at a time (null, removed, wrong types, huge and negative
/// numbers): loading must either succeed (the field does not matter) or throw a <see cref="TrainingPackageException"/>
/// naming a file of the package, never any other exception.
/// </summary>
public sealed class PackageManifestFuzzTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private const string Removed = "(removed)";

    public static TheoryData<string> MutationKinds => new() { "null", Removed, "\"text\"", "1e300", "-1", "9223372036854775807", "true", "{}", "[]" };

    [Theory]
    [MemberData(nameof(MutationKinds))]
    public void EveryFieldMutatedGivesATypedErrorOrALoadablePackage(string mutation)
    {
        var dir = WriteValidPackage();
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        var valid = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var failures = new List<string>();
        var rejected = 0;
        var paths = Paths(valid, "").ToList();
        foreach (var path in paths)
        {
            File.WriteAllText(manifestPath, Mutate(valid, path, mutation).ToJsonString());
            try
            {
                var package = TrainingPackage.Load(dir);
                InferenceExport.Build(package, null);
            }
            catch (TrainingPackageException e)
            {
                rejected++;
                if (!e.FilePath.StartsWith(dir, StringComparison.Ordinal) || !e.Message.Contains(e.FilePath, StringComparison.Ordinal))
                {
                    failures.Add($"{path} = {mutation}: error does not name a package file: {e.Message}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"{path} = {mutation}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {paths.Count} mutations:\n{string.Join('\n', failures)}");
        Assert.True(rejected > paths.Count / 4, $"only {rejected} of {paths.Count} mutations were rejected");
    }

    [Theory]
    [InlineData("/parameters")]
    [InlineData("/files")]
    [InlineData("/frozen")]
    [InlineData("/parameters/0")]
    [InlineData("/files/0")]
    [InlineData("/files/0/path")]
    [InlineData("/parameters/0/shape")]
    [InlineData("/parameters/0/state")]
    [InlineData("/tuning/loraAdapters")]
    [InlineData("/contract/mean")]
    [InlineData("/contract/labels")]
    public void NullListsAndEntriesAreRejectedNamingTheManifest(string path)
    {
        var dir = WriteValidPackage();
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        File.WriteAllText(manifestPath, Mutate(JsonNode.Parse(File.ReadAllText(manifestPath))!, path, "null").ToJsonString());
        var error = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(manifestPath, error.FilePath);
    }

    [Theory]
    [InlineData("/contract/frames", "100000", "frames must be in 1..")]
    [InlineData("/contract/cropSize", "100000", "cropSize must be in 1..")]
    [InlineData("/parameters/0/shape/0", "4611686018427387904", "elements")]
    [InlineData("/parameters/0/shape/0", "-5", "negative dimension")]
    [InlineData("/files/0/bytes", "-1", "bytes must be >= 0")]
    [InlineData("/classCount", "0", "classCount must be >= 1")]
    [InlineData("/io/targets", "\"\"", "io.targets")]
    public void OutOfRangeNumbersAreRejectedWithTheReason(string path, string value, string reason)
    {
        var dir = WriteValidPackage();
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        File.WriteAllText(manifestPath, Mutate(JsonNode.Parse(File.ReadAllText(manifestPath))!, path, value).ToJsonString());
        var error = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(manifestPath, error.FilePath);
        Assert.Contains(reason, error.Problem);
    }

    [Fact]
    public void AManifestAbove16MBIsRefusedBeforeItIsRead()
    {
        var dir = WriteValidPackage();
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        using (var stream = File.OpenWrite(manifestPath))
        {
            stream.SetLength(TrainingPackageManifest.MaxBytes + 1);
        }
        var error = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(manifestPath, error.FilePath);
        Assert.Contains("above the limit", error.Problem);
    }

    /// <summary>A small LoRA package with BatchNorm buffers, frozen tensors and a contract, so every manifest section is filled.</summary>
    private string WriteValidPackage()
    {
        var dir = temp.File("pkg");
        var contract = new PreprocessingContract { Frames = 2, CropSize = 4, ResizeShortSide = 5, Labels = ["a", "b", "c"] };
        TrainingPackageWriter.Write(TinyModels.Mlp3d(), new TrainingPackageOptions
        {
            Tuning = TuningSpec.Parse("lora:r=2,alpha=4,target=proj"),
            BatchNorm = BatchNormMode.Train,
            FrozenThresholdBytes = 16,
            Contract = contract,
        }, dir);
        return dir;
    }

    /// <summary>JSON-pointer paths of every value in the tree (arrays: their first two elements).</summary>
    private static IEnumerable<string> Paths(JsonNode node, string prefix)
    {
        var children = node switch
        {
            JsonObject o => o.Select(p => (Key: p.Key, Value: p.Value)).ToList(),
            JsonArray a => a.Take(2).Select((v, i) => (Key: i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value: v)).ToList(),
            _ => [],
        };
        foreach (var (key, value) in children)
        {
            var path = prefix + "/" + key;
            yield return path;
            if (value is not null)
            {
                foreach (var inner in Paths(value, path))
                {
                    yield return inner;
                }
            }
        }
    }

    private static JsonNode Mutate(JsonNode original, string path, string mutation)
    {
        var root = original.DeepClone();
        var steps = path.Split('/')[1..];
        var parent = steps[..^1].Aggregate(root, (node, step) => node is JsonArray a ? a[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)]! : node[step]!);
        var last = steps[^1];
        var replacement = mutation == Removed ? null : JsonNode.Parse(mutation);
        if (parent is JsonArray array)
        {
            var index = int.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
            if (mutation == Removed)
            {
                array.RemoveAt(index);
            }
            else
            {
                array[index] = replacement;
            }
        }
        else if (mutation == Removed)
        {
            parent.AsObject().Remove(last);
        }
        else
        {
            parent[last] = replacement;
        }
        return root;
    }
}

using System.Text.Json.Nodes;
using OnnxVideo.Packaging;
using OnnxVideo.Media;
using OnnxVideo.Ort;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;
using OnnxVideo.Training.Tests.EndToEnd;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// Every name in a valid package's manifest (graph inputs and outputs, parameter, state and tensor names) replaced by
/// one the graphs do not have: loading, opening a session and one training step must either work or fail with a typed
/// error naming a file of the package, never another exception.
/// </summary>
public sealed class MisnamedPackageSessionTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void EveryManifestNameReplacedFailsTypedOrTrains()
    {
        var contract = new PreprocessingContract { Frames = 2, CropSize = 2, ResizeShortSide = 2, Labels = ["a", "b"] };
        var dir = ExportedLinearPackage.Write(temp.File("pkg"), contract);
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        var valid = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var failures = new List<string>();
        var names = StringPaths(valid, "").Where(p => !p.Contains("/contract/", StringComparison.Ordinal) && !p.EndsWith("/sha256", StringComparison.Ordinal)).ToList();
        Assert.True(names.Count > 10, $"only {names.Count} names found");
        foreach (var path in names)
        {
            var mutated = valid.DeepClone();
            Set(mutated, path, "renamed_by_test");
            File.WriteAllText(manifestPath, mutated.ToJsonString());
            try
            {
                using var session = TrainingSession.Open(PackageLayouts.Load(dir), new TrainingSessionOptions { IntraOpThreads = 1 });
                session.TrainStep(new float[2 * session.SampleElements], [0, 1]);
            }
            catch (Exception e) when (e is TrainingPackageException or TrainingSessionException or OrtException)
            {
                if (!e.Message.Contains(dir, StringComparison.Ordinal))
                {
                    failures.Add($"{path}: {e.GetType().Name} names no package file: {e.Message}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"{path}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {names.Count}:\n{string.Join('\n', failures)}");
    }

    private static IEnumerable<string> StringPaths(JsonNode node, string prefix)
    {
        var children = node switch
        {
            JsonObject o => o.Select(p => (p.Key, p.Value)).ToList(),
            JsonArray a => a.Select((v, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)).ToList(),
            _ => [],
        };
        foreach (var (key, value) in children)
        {
            var path = prefix + "/" + key;
            if (value is JsonValue v && v.TryGetValue<string>(out _))
            {
                yield return path;
            }
            else if (value is not null)
            {
                foreach (var inner in StringPaths(value, path))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Set(JsonNode root, string path, string value)
    {
        var steps = path.Split('/')[1..];
        var parent = steps[..^1].Aggregate(root, (node, step) => node is JsonArray a ? a[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)]! : node[step]!);
        if (parent is JsonArray array)
        {
            array[int.Parse(steps[^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent[steps[^1]] = value;
        }
    }
}

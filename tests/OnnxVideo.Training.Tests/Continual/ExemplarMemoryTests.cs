using OnnxVideo.Testing;
using OnnxVideo.Training.Continual;
using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Tests.Continual;

public sealed class ExemplarMemoryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Classes = ["a", "b", "c"];

    private static List<VideoSample> Samples(int label, int count) =>
        Enumerable.Range(0, count).Select(i => new VideoSample($"/clips/{Classes[label]}{i}.mp4", label)).ToList();

    private static Task<(float[]?[], string)> NoEmbedding(IReadOnlyList<VideoSample> samples) =>
        throw new InvalidOperationException("random selection must not embed clips");

    [Fact]
    public void Herding_takes_the_clip_nearest_the_mean_first_and_ignores_feature_scale()
    {
        // Normalised: a = (1, 0), b = (0, 1), c = (1, 1)/√2; the mean is (0.569, 0.569), nearest c. Then a and b tie
        // at distance² 0.127 from the mean of two, and the first wins.
        float[][] features = [[5, 0], [0, 1], [3, 3]];
        Assert.Equal([2, 0, 1], Herding.Select(features, 3));
        Assert.Equal([2], Herding.Select(features, 1));
        Assert.Equal([2, 0, 1], Herding.Select(features, 10));
    }

    [Fact]
    public async Task Memory_is_shared_evenly_and_random_choice_depends_only_on_the_seed()
    {
        var samples = Samples(0, 10).Concat(Samples(1, 10)).Concat(Samples(2, 10)).ToList();
        async Task<ExemplarFile> Pick(int seed) =>
            await ExemplarMemory.SelectAsync(Classes, samples, null, 7, ExemplarSelection.Random, seed, NoEmbedding);

        var first = await Pick(0);
        Assert.Equal([3, 2, 2], Classes.Select(c => first.Exemplars.Count(e => e.Label == c)));
        Assert.Equal(first.Exemplars, (await Pick(0)).Exemplars);
        Assert.NotEqual(first.Exemplars, (await Pick(1)).Exemplars);
        Assert.All(first.Exemplars, e => Assert.StartsWith($"/clips/{e.Label}", e.Path, StringComparison.Ordinal));
        Assert.Equal(7, first.Exemplars.Select(e => e.Path).Distinct().Count());
    }

    [Fact]
    public async Task A_class_known_only_from_old_exemplars_keeps_the_first_of_them_and_new_classes_are_herded()
    {
        var previous = new ExemplarFile
        {
            Selection = ExemplarSelection.Herding,
            Classes = ["a"],
            Exemplars = [new("/old/a3.mp4", "a"), new("/old/a1.mp4", "a"), new("/old/a2.mp4", "a")],
        };
        var fresh = Samples(1, 3);
        IReadOnlyList<VideoSample>? embedded = null;
        Task<(float[]?[], string)> Embed(IReadOnlyList<VideoSample> samples)
        {
            embedded = samples;
            // b0 = (1, 0), b1 = (0, 1), b2 = (1, 1): herding takes b2 first, then b0.
            return Task.FromResult<(float[]?[], string)>(([[1, 0], [0, 1], [1, 1]], "features"));
        }

        var file = await ExemplarMemory.SelectAsync(["a", "b"], fresh, previous, 4, ExemplarSelection.Herding, 0, Embed);

        Assert.Equal(fresh, embedded);
        Assert.Equal(["/old/a3.mp4", "/old/a1.mp4", "/clips/b2.mp4", "/clips/b0.mp4"], file.Exemplars.Select(e => e.Path));
        Assert.Equal("features", file.Features);
        Assert.Equal(["a", "b"], file.Classes);
    }

    [Fact]
    public void Limit_keeps_each_class_first_exemplars()
    {
        var file = new ExemplarFile { Classes = ["a", "b"], Exemplars = [new("1", "a"), new("2", "a"), new("3", "a"), new("4", "b"), new("5", "b")] };
        Assert.Equal(["1", "2", "4", "5"], ExemplarMemory.Limit(file, 4).Exemplars.Select(e => e.Path));
        Assert.Equal(["1", "4"], ExemplarMemory.Limit(file, 2).Exemplars.Select(e => e.Path));
        Assert.Empty(ExemplarMemory.Limit(file, 0).Exemplars);
    }

    [Fact]
    public void Exemplar_file_round_trips_and_a_missing_clip_is_refused_naming_file_and_clip()
    {
        var clip = _temp.File("x.mp4");
        File.WriteAllBytes(clip, [0]);
        var path = _temp.File(ExemplarFile.FileName);
        new ExemplarFile { Selection = ExemplarSelection.Random, Memory = 1, Classes = ["a"], Exemplars = [new(clip, "a")] }.Write(path);
        var read = ExemplarFile.Read(path);
        Assert.Equal(ExemplarSelection.Random, read.Selection);
        Assert.Equal([new Exemplar(clip, "a")], read.Exemplars);

        var missing = _temp.File("gone.mp4");
        new ExemplarFile { Classes = ["a"], Exemplars = [new(clip, "a"), new(missing, "a")] }.Write(path);
        var error = Assert.Throws<ExemplarFileException>(() => ExemplarFile.Read(path));
        Assert.Equal(path, error.Input);
        Assert.Contains($"exemplar 2 names a missing clip '{missing}'", error.Message, StringComparison.Ordinal);

        new ExemplarFile { Classes = ["a"], Exemplars = [new(clip, "z")] }.Write(path);
        Assert.Contains("label 'z'", Assert.Throws<ExemplarFileException>(() => ExemplarFile.Read(path)).Message, StringComparison.Ordinal);
    }
}

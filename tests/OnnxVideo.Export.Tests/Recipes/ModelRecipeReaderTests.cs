using OnnxVideo.Models.Recipes;
using OnnxVideo.Models.Zoo;

namespace OnnxVideo.Export.Tests.Recipes;

/// <summary>The recipes of models/ parse and fit the zoo; shipped checkpoints match their SHA-256 and load; bad recipe
/// files are refused naming the file and the field.</summary>
public sealed class ModelRecipeReaderTests
{
    private const string Valid = """
        {
          "name": "x", "source": "zoo", "architecture": "tiny3d", "description": "d",
          "contract": { "frames": 8, "size": 64 },
          "weights": { "url": "https://example.org/x-0123abcd.pth", "format": "pth", "sha256Prefix": "0123abcd",
                       "license": "l", "trainedOn": "t", "classes": 400 }
        }
        """;

    /// <summary>The repository's models/ folder, copied beside the tests by the export tool's project.</summary>
    private static string RecipeFolder => Path.Combine(AppContext.BaseDirectory, "models");

    [Fact]
    public void Every_recipe_in_models_parses_and_zoo_recipes_name_zoo_architectures()
    {
        var recipes = Directory.GetFiles(RecipeFolder, "*.json").Select(ModelRecipeReader.Read).ToList();

        Assert.Contains(recipes, r => r.Name == "tiny3d");
        Assert.Contains(recipes, r => r.Name == "video_vit_tiny");
        foreach (var recipe in recipes)
        {
            Assert.Equal(Path.GetFileNameWithoutExtension(recipe.Path), recipe.Name);
            if (recipe.Source == RecipeSource.Zoo)
            {
                Assert.Equal(recipe.Architecture, ModelZoo.Get(recipe.Architecture).Name);
            }
        }
        // Every zoo architecture has a recipe.
        Assert.All(ModelZoo.Architectures, a => Assert.Contains(recipes, r => r.Source == RecipeSource.Zoo && r.Architecture == a.Name));
    }

    [Theory]
    [InlineData("tiny3d")]
    [InlineData("video_vit_tiny")]
    public void Shipped_checkpoint_matches_its_sha256_is_small_and_loads_with_a_new_head(string name)
    {
        var recipe = ModelRecipeReader.Read(Path.Combine(RecipeFolder, name + ".json"));
        var file = recipe.Weights!.File!;

        Assert.Equal(recipe.Weights.Sha256, ModelRecipeCatalog.Verify(recipe, file));
        Assert.InRange(new FileInfo(file).Length, 1, 5 * 1024 * 1024);
        var model = ModelZoo.Build(recipe.Architecture, new ZooOptions
        {
            Classes = 3, Frames = recipe.Frames, Size = recipe.Size, WeightsPath = file, NewHead = true,
        });
        var backbone = model.Graph.Initializer.First(t => !ModelZoo.Get(recipe.Architecture).HeadParameters.Contains(t.Name) && t.Dims.Count > 1);
        Assert.NotEmpty(backbone.RawData);
    }

    [Fact]
    public void A_file_whose_hash_differs_from_the_recipe_is_refused_naming_both()
    {
        using var dir = new TempDirectory();
        var recipePath = dir.Touch("x.json", Valid);
        var weights = dir.Touch("x-0123abcd.pth", "not the published file");

        var error = Assert.Throws<ModelRecipeException>(() => ModelRecipeCatalog.Verify(ModelRecipeReader.Read(recipePath), weights));

        Assert.Equal(weights, error.Input);
        Assert.Contains("does not match the SHA-256 prefix 0123abcd of recipe x", error.Message);
    }

    [Theory]
    [InlineData("\"frames\": 8", "\"frames\": \"8\"", "contract.frames", "expected an integer")]
    [InlineData("\"size\": 64", "\"size\": 0", "contract.size", "expected an integer in 1..")]
    [InlineData("\"source\": \"zoo\"", "\"source\": \"hub\"", "source", "neither 'zoo' nor 'import'")]
    [InlineData("\"description\": \"d\",", "\"description\": \"d\", \"descripton\": 1,", "descripton", "unknown field")]
    [InlineData("\"sha256Prefix\": \"0123abcd\"", "\"sha256\": \"0123\"", "weights.sha256", "not 64 lower-case hex digits")]
    [InlineData("\"sha256Prefix\": \"0123abcd\"", "\"sha256Prefix\": \"XYZ12345\"", "weights.sha256Prefix", "hex digits")]
    [InlineData("\"url\": \"https://example.org/x-0123abcd.pth\"", "\"url\": \"http://example.org/x.pth\"", "weights.url", "not an https URL")]
    [InlineData("\"url\": \"https://example.org/x-0123abcd.pth\"", "\"file\": \"missing.safetensors\"", "weights.file", "does not exist")]
    [InlineData("\"url\": \"https://example.org/x-0123abcd.pth\"", "\"file\": \"../escape.safetensors\"", "weights.file", "beside the recipe")]
    [InlineData("\"format\": \"pth\"", "\"format\": \"pickle\"", "weights.format", "neither 'safetensors' nor 'pth'")]
    [InlineData("\"source\": \"zoo\"", "\"source\": \"import\"", "export", "must say how to export it")]
    [InlineData("\"license\": \"l\",", "", "weights.license", "required string is missing")]
    public void A_bad_field_is_refused_naming_the_file_and_the_field(string replace, string with, string field, string problem)
    {
        using var dir = new TempDirectory();
        Assert.Contains(replace, Valid);
        var path = dir.Touch("bad.json", Valid.Replace(replace, with, StringComparison.Ordinal));

        var error = Assert.Throws<ModelRecipeException>(() => ModelRecipeReader.Read(path));

        Assert.Equal(path, error.Input);
        Assert.Equal(field, error.Field);
        Assert.Contains($"field '{field}'", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("{ \"name\": ")]
    [InlineData("[1, 2]")]
    public void Malformed_json_is_refused_naming_the_file(string text)
    {
        using var dir = new TempDirectory();
        var path = dir.Touch("broken.json", text);

        var error = Assert.Throws<ModelRecipeException>(() => ModelRecipeReader.Read(path));

        Assert.StartsWith(path + ": ", error.Message);
    }
}

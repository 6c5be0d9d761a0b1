using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IllegiblePhotos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Illegible",
                table: "DocumentRecognitions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Illegible",
                table: "DocumentRecognitions");
        }
    }
}

//! Name tables of Madrid residents by origin, as written in the padrón: the
//! raw lists [`super::names`] builds the Madrid pools from.
//!
//! Each table is one comma-separated string, most frequent names first
//! (pools are drawn with a skew towards the start). Spanish tables follow
//! the order of INE's lists of the most frequent names and surnames of
//! residents in Spain (Estadística de nombres y apellidos, as best
//! remembered; the order is approximate and no counts are used). The other
//! tables are common names of each origin compiled for synthetic data, in
//! the spelling of passports (Latin script; Pinyin without tones; Ukrainian
//! in the official 2010 romanisation).

/// Spanish men's given names.
pub(crate) const SPANISH_MALE: &str = "
Antonio, José, Manuel, Francisco, David, Juan, Javier, Daniel, José Antonio, Francisco Javier,
José Luis, Carlos, Jesús, Alejandro, Miguel, José Manuel, Rafael, Miguel Ángel, Pablo, Pedro,
Ángel, Sergio, Fernando, José María, Jorge, Luis, Alberto, Álvaro, Juan Carlos, Adrián,
Diego, Juan José, Raúl, Iván, Juan Antonio, Rubén, Enrique, Óscar, Ramón, Vicente,
Andrés, Juan Manuel, Joaquín, Santiago, Víctor, Eduardo, Mario, Roberto, Jaime, Francisco José,
Marcos, Ignacio, Hugo, Alfonso, Jordi, Salvador, Ricardo, Emilio, Gabriel, Guillermo,
Lucas, Mateo, Martín, Julián, Tomás, Gonzalo, Agustín, Julio, Nicolás, Samuel,
Felipe, José Ignacio, Joan, Héctor, Cristian, Mohamed, Aitor, Sebastián, Ismael, Marc,
Iker, Lorenzo, Arturo, Alex, Rodrigo, Mariano, Domingo, Josep, Cristóbal, Alfredo,
Esteban, Leo, Gregorio, Borja, Félix, Aarón, Bruno, Íñigo, Germán, Josué,
Izan, Darío, Gerardo, Luis Miguel, Juan Pablo, José Ramón, José Carlos, Jacinto, Benito, Eugenio,
Fermín, Gustavo, Jerónimo, Leandro, Lucio, Marcelino, Matías, Máximo, Moisés, Pascual,
Rogelio, Saturnino, Teodoro, Valentín, Victoriano, Amador, Anselmo, Aurelio, Baltasar, Bernardo,
Casimiro, Clemente, Constantino, Cándido, Eladio, Eloy, Emiliano, Evaristo, Faustino, Federico,
Feliciano, Florencio, Gaspar, Hilario, Isidro, Jacobo, Leonardo, Luciano, Marcial, Nemesio,
Octavio, Patricio, Raimundo, Abel, Adolfo, Alonso, Ambrosio, Aníbal, Bartolomé, Blas,
Ciro, Damián, Elías, Enzo, Erik, Ezequiel, Gael, Gil, Hernán, Jonathan,
Liam, Luca, Mauricio, Nil, Oliver, Pol, Rayan, Thiago, Unai, Asier
";

/// Spanish women's given names.
pub(crate) const SPANISH_FEMALE: &str = "
María Carmen, María, Carmen, Ana María, Laura, María Pilar, María Dolores, Isabel, Josefa, Ana,
María Teresa, Cristina, Marta, María Ángeles, Lucía, Francisca, María Isabel, María José, Antonia, Dolores,
Sara, Paula, Elena, María Luisa, Raquel, Rosa María, Pilar, Concepción, Manuela, Mercedes,
María Antonia, Julia, Beatriz, Nuria, Silvia, Rosario, Juana, Alba, Irene, Teresa,
Encarnación, Patricia, Montserrat, Andrea, Rocío, Mónica, Rosa, Alicia, María Mercedes, Sonia,
Sandra, Ángela, Marina, Susana, Natalia, Yolanda, Margarita, María Josefa, Claudia, Eva,
María Rosario, Inmaculada, Sofía, María Rosa, Carla, Esther, Noelia, Verónica, Ángeles, Nerea,
Carolina, Daniela, Martina, Valeria, Lorena, Inés, Victoria, Miriam, Olga, Amparo,
Eva María, Gloria, Lidia, Esperanza, Consuelo, Catalina, Emilia, Aurora, Luisa, Clara,
Ainhoa, Celia, Blanca, Adriana, Vanesa, Milagros, Fátima, Virginia, Lourdes, Gema,
Alejandra, Begoña, Soledad, Emma, Aitana, Olivia, Noa, Lola, Vega, Jimena,
Ariadna, Leire, Nieves, Paloma, Rebeca, Tamara, Estefanía, Asunción, Remedios, Trinidad,
Purificación, Felisa, Herminia, Leonor, Matilde, Petra, Ramona, Vicenta, Josefina, Magdalena,
Agustina, Amalia, Araceli, Ascensión, Caridad, Eulalia, Gregoria, Marisol, Sagrario, Visitación,
Abril, Alma, Carlota, Chloe, Elsa, Gabriela, Laia, Mar, Mía, Nora,
Rut, Valentina, Vera, Zoe, María Cristina, María Montserrat, María Elena, María Jesús, María Victoria, María Nieves
";

/// Spanish surnames.
pub(crate) const SPANISH_SURNAMES: &str = "
García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín,
Jiménez, Hernández, Ruiz, Díaz, Moreno, Muñoz, Álvarez, Romero, Gutiérrez, Alonso,
Navarro, Torres, Domínguez, Ramos, Vázquez, Ramírez, Gil, Serrano, Morales, Molina,
Blanco, Suárez, Castro, Ortega, Delgado, Ortiz, Marín, Rubio, Núñez, Medina,
Sanz, Castillo, Iglesias, Cortés, Garrido, Santos, Guerrero, Lozano, Cano, Cruz,
Méndez, Flores, Prieto, Herrera, Peña, León, Márquez, Cabrera, Gallego, Calvo,
Vidal, Campos, Reyes, Vega, Fuentes, Carrasco, Diez, Aguilar, Caballero, Nieto,
Santana, Vargas, Pascual, Giménez, Herrero, Hidalgo, Montero, Lorenzo, Santiago, Benítez,
Durán, Ibáñez, Arias, Mora, Ferrer, Carmona, Vicente, Rojas, Soto, Crespo,
Román, Pastor, Velasco, Parra, Sáez, Moya, Bravo, Rivera, Gallardo, Soler,
Esteban, Pardo, Franco, Merino, Espinosa, Izquierdo, Lara, Rivas, Silva, Rivero,
Casado, Arroyo, Redondo, Camacho, Rey, Vera, Otero, Luque, Galán, Montes,
Ríos, Sierra, Segura, Carrillo, Marcos, Martí, Soriano, Mendoza, Robles, Bernal,
Vila, Valero, Palacios, Benito, Varela, Expósito, Pereira, Andrés, Guerra, Bueno,
Contreras, Heredia, Villar, Mateo, Menéndez, Aparicio, Salazar, Macías, Cuesta, Manzano,
Roldán, Beltrán, Quintana, Acosta, Gimeno, Aguado, Castellano, Tomás, Paredes, Hernando,
Cordero, Calderón, Collado, Villalba, Cuenca, Carretero, Hurtado, Zamora, Miranda, Rosado,
Ponce, Barroso, Bermúdez, Toledo, Salas, Ballesteros, Cuevas, Trujillo, Jurado, Sancho,
Mejía, Luna, Figueroa, Rico, Villanueva, Polo, Sala, Cabello, Barrera, Moral,
Navas, Ávila, Plaza, Prado, Mena, Osorio, Marco, Escobar, Aguirre, Pizarro,
Gracia, Vallejo, Abad, Rueda, Sastre, Tapia, Quesada, Salinas, Bautista, Alarcón,
Rosales, Conde, Alcaraz, Lucas, Valverde, Sosa, Morán, Maldonado, Pineda, Mesa,
Blázquez, Chacón, Soria, Clemente, Murillo, Bustos, Miguel, Solís, Ochoa, Domingo,
Gonzalo, Lorente, Salgado, Calero, Gálvez, Palomo, Bello, Fajardo, Galindo, Chaves,
Guillén, Jaén, Castaño, Mata, Aranda, Rincón, Sevilla, Quintero, Huertas, Vergara,
de la Fuente, del Río, de la Cruz, del Pozo, de la Torre, de Miguel, del Valle, de la Rosa, de los Santos, de Castro
";

/// Latin American men's given names (Colombia, Venezuela, Peru, Ecuador,
/// Honduras, Paraguay, Argentina, Dominican Republic, Bolivia).
pub(crate) const LATAM_MALE: &str = "
José, Luis, Carlos, Jorge, Juan, Andrés, Kevin, Jhon, Wilson, Brayan,
Luis Alberto, Cristian, Edwin, Jonathan, Miguel Ángel, Juan Pablo, Juan David, Juan Sebastián, Santiago, Sebastián,
Alejandro, Daniel, David, Diego, Fabián, Fredy, Germán, Gustavo, Héctor, Hernán,
Jairo, Jefferson, Jhonatan, Leonardo, Mauricio, Nelson, Óscar, Pedro, Ricardo, Roberto,
Rodrigo, Rubén, Víctor, Walter, William, Yeison, Anderson, Ángel, Alexander, Gerardo,
Julio César, Marco Antonio, Eduardo, Francisco, Gabriel, Henry, Humberto, Iván, Javier, Jesús,
Joel, José Luis, Josué, Junior, Manuel, Mario, Moisés, Ramón, Renzo, Richard,
Samuel, Wilmer, Darwin, Elvis, Franklin, Luis Fernando, Carlos Alberto, Juan Carlos, Jean Carlos, Omar
";

/// Latin American women's given names.
pub(crate) const LATAM_FEMALE: &str = "
María, Yessenia, Daniela, Gabriela, Valentina, Andrea, Karen, Yuliana, Luz Marina, Ana Lucía,
Mayerlin, Rosa María, Paola, Diana, Carolina, María Fernanda, María José, María Alejandra, Ana María, Ángela,
Camila, Catalina, Claudia, Cristina, Erika, Flor, Gladys, Isabel, Jennifer, Jessica,
Johana, Juliana, Karina, Katherine, Leidy, Liliana, Lina, Lorena, Luisa Fernanda, Luz Dary,
Marisol, Marta, Milagros, Mónica, Nancy, Natalia, Nelly, Norma, Olga, Patricia,
Rocío, Rosa, Sandra, Silvia, Sofía, Stefany, Susana, Vanessa, Verónica, Viviana,
Wendy, Yolanda, Ximena, Yamile, Yenny, Yesica, Zulay, Dayana, Fernanda, Lucía,
Mariana, Nathaly, Paula, Ruth, Elizabeth, Jackeline, Yadira, Heidy, Maribel, Evelyn
";

/// Latin American surnames.
pub(crate) const LATAM_SURNAMES: &str = "
Rodríguez, Gómez, Pérez, Hernández, Ramírez, Torres, Flores, Rojas, Vargas, Castillo,
Mendoza, Quispe, Chávez, Guzmán, Cárdenas, Zambrano, Paredes, Villalobos, Salazar, Ríos,
García, González, Martínez, López, Sánchez, Díaz, Morales, Jiménez, Romero, Ruiz,
Álvarez, Muñoz, Gutiérrez, Herrera, Medina, Castro, Ortiz, Silva, Reyes, Aguilar,
Moreno, Suárez, Ramos, Vásquez, Acosta, Benítez, Cabrera, Espinoza, Figueroa, Fuentes,
Gil, Guerrero, Jaramillo, León, Lozano, Maldonado, Mejía, Molina, Montoya, Navarro,
Núñez, Ochoa, Osorio, Pacheco, Peña, Ponce, Quintero, Rivera, Rivas, Salas,
Sandoval, Sierra, Soto, Valencia, Vega, Velásquez, Zapata, Arias, Bermúdez, Calderón,
Campos, Carrillo, Contreras, Córdoba, Cortés, Delgado, Escobar, Franco, Galindo, Giraldo,
Henao, Ibarra, Lara, Londoño, Luna, Marín, Mora, Murillo, Nieto, Orozco,
Ospina, Padilla, Palacios, Pineda, Restrepo, Rincón, Rosales, Salinas, Serrano, Sosa,
Trujillo, Urrutia, Valdez, Varela, Villa, Arévalo, Cáceres, Huamán, Mamani, Condori,
Apaza, Gonzales, Vilca, Choque, Ticona, Yupanqui, Chumpitaz, Alvarado, Cedeño, Macías,
Bravo, Cevallos, Loor, Vera, Chiriboga, Andrade, Bustamante, Carvajal, Duarte, Benegas,
Giménez, Ayala, Báez, Insfrán, Ortellado, Aquino, Britez, Villalba, Zelaya, Banegas
";

/// Romanian men's given names.
pub(crate) const ROMANIAN_MALE: &str = "
Ion, Andrei, Mihai, Gheorghe, Vasile, Florin, Marius, Ionuț, Alexandru, Adrian,
Cristian, Constantin, Daniel, Dumitru, Nicolae, Ștefan, Gabriel, Bogdan, Cătălin, Ciprian,
Cosmin, Costel, Dragoș, Emil, Eugen, Iulian, Lucian, Marian, Mircea, Ovidiu,
Petru, Radu, Răzvan, Sorin, Valentin, Viorel, Laurențiu, Sebastian, Vlad, Liviu
";

/// Romanian women's given names.
pub(crate) const ROMANIAN_FEMALE: &str = "
Maria, Elena, Ioana, Andreea, Mihaela, Florentina, Gabriela, Ana, Alexandra, Alina,
Ana-Maria, Adriana, Camelia, Carmen, Cristina, Daniela, Diana, Georgiana, Ileana, Irina,
Larisa, Loredana, Luminița, Mădălina, Marinela, Monica, Nicoleta, Oana, Raluca, Ramona,
Roxana, Simona, Violeta, Valentina, Corina, Claudia, Denisa, Bianca, Anca, Lavinia
";

/// Romanian surnames.
pub(crate) const ROMANIAN_SURNAMES: &str = "
Popescu, Ionescu, Popa, Dumitru, Stan, Stoica, Gheorghe, Rusu, Munteanu, Matei,
Constantin, Șerban, Moldovan, Lungu, Marin, Mocanu, Ciobanu, Ion, Tudor, Florea,
Dinu, Barbu, Nistor, Dobre, Ene, Radu, Toma, Lazăr, Sandu, Ilie,
Georgescu, Oprea, Vasile, Manole, Neagu, Cristea, Dragomir, Anghel, Preda, Iordache,
Coman, Cojocaru, Enache, Grigore, Pop, Voicu, Bălan, Ursu, Pavel, Roman,
Stănescu, Zamfir, Bogdan, Moraru, Rădulescu, Sârbu, Diaconu, Nedelcu, Vlad, Cozma
";

/// Moroccan men's given names (French-style romanisation, as in Moroccan
/// passports).
pub(crate) const MOROCCAN_MALE: &str = "
Mohamed, Ahmed, Youssef, Said, Rachid, Hamza, Karim, Abdelkader, Mustapha, Abdellah,
Hassan, Hicham, Khalid, Driss, Omar, Ali, Brahim, Abdelaziz, Abderrahim, Adil,
Anas, Ayoub, Bilal, Hamid, Ismail, Jamal, Mehdi, Mohammed, Nabil, Nourdine,
Redouane, Soufiane, Tarik, Yassine, Zakaria, Abdelilah, Aziz, Mourad, Othmane, Ilyas
";

/// Moroccan women's given names.
pub(crate) const MOROCCAN_FEMALE: &str = "
Fatima, Khadija, Aicha, Naima, Malika, Samira, Zineb, Amina, Asmae, Bouchra,
Fatiha, Hafsa, Hajar, Hanane, Houda, Imane, Kawtar, Latifa, Leila, Loubna,
Meryem, Nadia, Nora, Rachida, Saida, Salma, Sanae, Siham, Soukaina, Wafae,
Yasmina, Zahra, Hayat, Ikram, Khaoula, Nawal, Sara, Hind, Rkia, Jamila
";

/// Moroccan surnames.
pub(crate) const MOROCCAN_SURNAMES: &str = "
El Idrissi, Benali, El Amrani, Bouzid, Alaoui, Haddad, Tahiri, Ouali, El Khattabi, Bennani,
Berrada, Chaoui, El Fassi, Ziani, Bakkali, El Mansouri, Boukhari, Amrani, Belhaj, Cherkaoui,
Daoudi, El Ouardi, Hamdaoui, Jabri, Kabbaj, Lahlou, Mansouri, Naciri, Ouazzani, Rahmouni,
Saidi, Tazi, Zerouali, Azzouzi, Bouazza, El Hassani, Hajji, Kettani, Laaroussi, Moussaoui,
Ouahbi, Slimani, Touhami, El Ghazi, Benjelloun, Filali, Lamrani, Akhrif, Boussaid, Chakir
";

/// Chinese men's given names (Pinyin; most Chinese residents of Madrid
/// come from Zhejiang).
pub(crate) const CHINESE_MALE: &str = "
Wei, Jian, Hao, Lei, Jun, Ming, Tao, Yong, Qiang, Bin,
Chao, Gang, Jie, Kai, Liang, Long, Peng, Rui, Tian, Xiang,
Yang, Yi, Yu, Zhen, Zhi, Zhiqiang, Jianguo, Haoran, Zihao, Yuxuan,
Junjie, Wenjie, Xiaoming, Jiahao, Zhiwei, Jianhua, Guoqiang, Xiaolong, Weiming, Jiawei
";

/// Chinese women's given names.
pub(crate) const CHINESE_FEMALE: &str = "
Li, Xiu Ying, Min, Jing, Yan, Hui, Fang, Xin, Na, Juan,
Ling, Mei, Ping, Qian, Qing, Xia, Xue, Yun, Hong, Lan,
Lili, Li Na, Xiaoyan, Zihan, Yutong, Xinyi, Shuang, Ting, Wen, Xiaohong,
Jiayi, Meiling, Huan, Yanping, Lihua, Xiaomei, Yuhan, Yiting, Jingjing, Lingling
";

/// Chinese surnames.
pub(crate) const CHINESE_SURNAMES: &str = "
Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou,
Xu, Sun, Ma, Zhu, Hu, Guo, He, Lin, Gao, Luo,
Zheng, Liang, Xie, Song, Tang, Han, Feng, Deng, Cao, Peng,
Zeng, Xiao, Tian, Dong, Pan, Yuan, Cai, Jiang, Yu, Du,
Ye, Cheng, Wei, Su, Lu, Ding, Ren, Shen, Yao, Jin
";

/// Italian men's given names.
pub(crate) const ITALIAN_MALE: &str = "
Marco, Luca, Giuseppe, Alessandro, Francesco, Matteo, Andrea, Antonio, Giovanni, Roberto,
Stefano, Paolo, Davide, Simone, Federico, Lorenzo, Riccardo, Fabio, Massimo, Daniele,
Gabriele, Emanuele, Michele, Salvatore, Vincenzo, Giorgio, Nicola, Pietro, Tommaso, Filippo
";

/// Italian women's given names.
pub(crate) const ITALIAN_FEMALE: &str = "
Giulia, Francesca, Chiara, Sara, Valentina, Federica, Alessandra, Elena, Martina, Silvia,
Laura, Paola, Roberta, Elisa, Anna, Maria, Giorgia, Alice, Beatrice, Ilaria,
Serena, Claudia, Simona, Cristina, Veronica, Eleonora, Arianna, Camilla, Aurora, Sofia
";

/// Italian surnames.
pub(crate) const ITALIAN_SURNAMES: &str = "
Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco,
Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti,
Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone,
Longo, Gentile, Martinelli, Vitale, Lombardo, Serra, Coppola, De Santis, D'Angelo, Marchetti,
Parisi, Villa, Conte, Ferraro, Ferri, Fabbri, Bianco, Marini, Grasso, Valentini
";

/// Ukrainian men's given names (2010 official romanisation).
pub(crate) const UKRAINIAN_LATIN_MALE: &str = "
Oleksandr, Andrii, Serhii, Dmytro, Volodymyr, Mykola, Oleh, Ivan, Vasyl, Yurii,
Ihor, Petro, Taras, Bohdan, Maksym, Artem, Denys, Roman, Vitalii, Viktor,
Yaroslav, Mykhailo, Pavlo, Anatolii, Vadym, Ruslan, Stepan, Nazar, Oleksii, Valerii
";

/// Ukrainian women's given names.
pub(crate) const UKRAINIAN_LATIN_FEMALE: &str = "
Olena, Iryna, Nataliia, Tetiana, Oksana, Yuliia, Svitlana, Halyna, Liudmyla, Mariia,
Anna, Kateryna, Olha, Viktoriia, Nadiia, Larysa, Valentyna, Inna, Alla, Tamara,
Khrystyna, Anastasiia, Daryna, Sofiia, Yana, Lesia, Zoriana, Ivanna, Solomiia, Liliia
";

/// Ukrainian surnames.
pub(crate) const UKRAINIAN_LATIN_SURNAMES: &str = "
Kovalenko, Bondarenko, Shevchenko, Tkachenko, Kravchenko, Melnyk, Boiko, Koval, Oliinyk, Shevchuk,
Polishchuk, Lysenko, Marchenko, Rudenko, Savchenko, Petrenko, Klymenko, Pavlenko, Kuzmenko, Moroz,
Tkachuk, Kravchuk, Kovalchuk, Bondarchuk, Honcharenko, Levchenko, Karpenko, Tymoshenko, Prykhodko, Hrytsenko,
Kostenko, Vasylenko, Yakovenko, Demchenko, Nazarenko, Kovtun, Zinchenko, Savchuk, Melnychuk, Ostapenko
";
